from . import test_dispatch_order
from . import test_dispatch_portal
from . import test_dispatch_tours
from . import test_installation
from . import test_dispatch_onsite
from . import test_setup
from . import test_view_locks
