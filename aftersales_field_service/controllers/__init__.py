from . import portal
from . import point_portal
