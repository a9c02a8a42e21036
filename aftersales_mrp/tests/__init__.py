from . import test_recall_components
