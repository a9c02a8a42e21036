from . import aftersales_warranty_check_wizard
from . import aftersales_delivery_acceptance
from . import stock_return_picking
from . import aftersales_complaint_close
from . import aftersales_contact_log
from . import aftersales_survey_campaign
from . import aftersales_delivery_record_correction
from . import aftersales_rma_receive
