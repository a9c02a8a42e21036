from . import aftersales_recall
