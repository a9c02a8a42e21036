from odoo.tests import tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests import test_screens


@tagged("post_install", "-at_install")
class TestFieldServiceScreens(test_screens.TestScreens):
    """The field-service screens behave as the after-sales ones: technicians are picked, never created from a
    visit's form."""

    documents = test_screens.DOCUMENTS | {"aftersales.technician"}
