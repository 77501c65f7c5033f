"""Small closed word classes the rule extractors share (cue words, head nouns)."""
from __future__ import annotations

PROPOSAL_VERBS = frozenset("""propose proposes proposed proposing introduce introduces introduced introducing
present presents presented presenting develop develops developed developing design designs designed
build builds built release releases released create creates created construct constructs constructed
curate curates curated contribute contributes contributed offer offers offered unveil unveils unveiled
devise devises devised formulate formulates formulated establish establishes established put
train trains trained pretrain pre-train pretrained pre-trained collect collected compile compiled
launch launched open-source open-sourced produce produces produced producing""".split())
STRONG_PROPOSAL_VERBS = frozenset("""propose proposes proposed proposing introduce introduces introduced
introducing present presents presented presenting develop develops developed developing design designed
devise devised unveil unveils release releases released build built create created construct constructed
curate curated produce produces produced producing""".split())
SUBJECT_WORDS = frozenset("we our us this paper work study article letter report here thesis".split())
NAMING_WORDS = frozenset("termed called named dubbed coined nicknamed denoted entitled titled".split())
CLAUSE_STOP = frozenset("""which that to for by via using leveraging based with on in from through where
whose while because since when if than into upon over under across against between among within without
after before during whereas although though""".split())
ARTICLES = frozenset("a an the".split())
DATASET_NOUNS = frozenset("""dataset datasets benchmark benchmarks corpus corpora suite suites collection
testbed testbeds leaderboard database treebank challenge arena test-set testset data-set datastore""".split())
# plurals that introduce or close a list of datasets ("the X and Y collections", "two databases: X and Y")
# but are too common next to a single name to type it
DATASET_LIST_NOUNS = DATASET_NOUNS | frozenset("databases collections data-sets".split())
# words right before "on" that make what follows the data ("results on X", "trained on X, Y")
DATA_ON_CUES = frozenset("""evaluate evaluates evaluated evaluating evaluation evaluations experiment experiments
test tests tested testing train trains trained training fine-tuned finetuned fine-tune pre-trained pretrained
result results performance performances accuracy accuracies score scores recall precision error errors gain
gains improvement improvements benchmarked validated validate experimented conducted""".split())
METHOD_NOUNS = frozenset("""framework frameworks method methods model models approach approaches algorithm
algorithms architecture architectures system systems technique techniques strategy strategies module modules
network networks pipeline pipelines paradigm toolkit toolkits library agent agents optimizer optimizers
mechanism mechanisms scheme schemes loss objective family series tokenizer encoder decoder policy policies
methodology solver generator detector classifier retriever adapter adapters layer layers block blocks
transformer backbone tool tools procedure recipe variant variants engine assistant platform simulator
aggregator predictor estimator planner""".split())
NOVELTY = frozenset("""novel new simple general unified first lightweight efficient scalable effective
principled generic flexible versatile plug-and-play training-free powerful large-scale comprehensive
open open-source fully systematic universal holistic multi-modal multimodal""".split())
DATASET_SUFFIXES = ("Bench", "bench", "Benchmark", "Set", "set", "Corpus", "Data", "DB", "QA", "Eval",
                    "Arena", "Hub", "Instruct", "-1M", "-10K", "-100K")
TASK_HEADS = frozenset("""generalization generalisation adaptation detection recognition segmentation
classification estimation retrieval translation answering generation prediction analysis reasoning
understanding summarization summarisation parsing tagging tracking localization captioning forecasting
synthesis reconstruction completion extraction linking matching alignment identification verification
correction editing inpainting restoration enhancement compression grounding navigation planning control
manipulation recommendation search ranking labeling labelling annotation modeling modelling learning
transfer inference discovery clustering diagnosis surveillance prognosis screening denoising
super-resolution registration rendering animation dubbing dialogue imputation attribution
interpretability explainability fairness robustness distillation pruning quantization""".split())
# extra heads that end a task phrase ("bias evaluation", "data selection") but do not type an
# acronym's long form as a task ("... Optimization (XO)" is usually a method)
PHRASE_TASK_HEADS = TASK_HEADS | frozenset("""evaluation assessment optimization optimisation selection mining
curation filtering scheduling streaming tuning merging routing emulation creation augmentation
comprehension simplification paraphrasing spotting counting deblurring dehazing colorization
re-identification categorization disambiguation entailment chunking""".split())
METHOD_HEADS = frozenset("""minimization minimisation optimization optimisation sampling distillation network
networks algorithm machine machines transformer encoder autoencoder decoder descent search attention pooling
normalization normalisation embedding embeddings gating decoding prompting regression regularization
tuning model architecture estimator ensemble propagation quantization pruning dropout memory adapter
adapters clustering kernel process processes flow policy optimizer convolution framework method
approach aggregator predictor planner technique""".split())
EVAL_CUES = frozenset("""evaluate evaluates evaluated evaluating evaluation experiments experiment experimental
results result benchmark benchmarks benchmarked test tests tested testing achieve achieves achieved
outperform outperforms outperformed outperforming surpass surpasses surpassed train trained training
fine-tune fine-tuned finetune finetuned validate validated state-of-the-art sota accuracy performance
improve improves improved improvement gains on""".split())
USE_CUES = frozenset("""use uses used using adopt adopts adopted employ employs employed leverage leverages
leveraged leveraging apply applies applied based build builds built fine-tune fine-tuned finetune finetuned
backbone backbones initialize initialized outperform outperforms outperformed outperforming compare compared
comparison baseline baselines than surpass surpasses surpassing prompt prompted prompting""".split())
GLUE_WORDS = frozenset("and or , as well".split())
LANGUAGES = frozenset("""english chinese mandarin cantonese german french spanish portuguese italian dutch russian
japanese korean arabic hindi bengali urdu turkish persian farsi hebrew greek polish czech swedish norwegian
danish finnish hungarian romanian ukrainian vietnamese thai indonesian malay swahili tamil telugu marathi
maltese latin multilingual bilingual""".split())
# heads that make a noun phrase a task by themselves ("entity classification", "keyword spotting");
# other task heads ("... analysis", "... optimization", "... learning") also end many phrases that
# describe a step of a method, so a free phrase with one needs more evidence (see extractors.tasks)
STRONG_TASK_HEADS = frozenset("""recognition detection segmentation classification estimation retrieval
translation answering summarization parsing tagging tracking localization captioning forecasting inpainting
super-resolution denoising identification verification diagnosis registration labeling spotting counting
completion synthesis reconstruction restoration correction navigation recommendation surveillance
screening imputation deblurring dehazing colorization simplification paraphrasing grounding generation
extraction prediction understanding editing creation curation generalization streaming reasoning mining
answering linking parsing re-identification categorization disambiguation""".split())
# evaluative, deictic and process words that make a phrase a description, not a task name
# ("final classification", "clearer analysis", "two-stage learning", "slow optimization")
NOT_TASK_MODIFIERS = frozenset("""final initial clearer clear modern possible individual appropriate similar same
prominent compact true satisfactory reasonable excellent desired bad good above aforementioned enough varying fixed
large arbitrary faithful sophisticated usual greater major minor deep noticeable short practical
holistic experimental well-defined slow quick advanced intermediate
over-parameterized close-to-optimal post-hoc feed-forward two-stage one-stage two-phase multi-stage end-to-end
joint task-specific model-based retrieval-based learning-based data-driven local global overall whole entire
further additional subsequent previous following former latter corresponding respective accurate precise
manual human-level better worse higher lower faster slower simple complex naive
efficient effective robust reliable powerful limited extensive thorough careful
detailed preliminary empirical theoretical formal informal careful principled generic specific particular
certain typical general actual real ideal optimal suboptimal poor rich hard harder easy easier
mainstream flexible understood well-understood exact lightweight direct indirect""".split())
# nouns that, right after a name, restate what kind of thing it is ("the Bron-Kerbosch algorithm",
# "ELMo embeddings", "the FooQA benchmark"): the name and the name + noun are one entity
# (extractors.surface); parts and derivatives ("layers", "features", "variants") are not kinds
METHOD_KINDS = frozenset("""model models network networks net nets algorithm algorithms method methods
architecture architectures framework frameworks approach approaches technique techniques classifier classifiers
estimator estimators optimizer optimizers solver solvers detector detectors tracker trackers attack attacks
loss activation embedding embeddings encoder encoders decoder decoders system systems toolkit library""".split())
DATASET_KINDS = frozenset("""dataset datasets benchmark benchmarks corpus corpora suite suites database databases
treebank treebanks collection challenge""".split())
