from . import test_delivery_record
from . import test_warranty_check
from . import test_warranty_policy
from . import test_security
from . import test_ui_and_demo
from . import test_rma_flows
from . import test_rma_rules
