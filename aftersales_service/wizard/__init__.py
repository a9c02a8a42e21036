from . import aftersales_warranty_check_wizard
from . import aftersales_delivery_acceptance
from . import stock_return_picking
