from odoo.tests import new_test_user, tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests import test_screens


@tagged("post_install", "-at_install")
class TestFieldServiceScreens(test_screens.TestScreens):
    """The field-service screens behave as the after-sales ones: technicians are picked, never created from a
    visit's form."""

    documents = test_screens.DOCUMENTS | {"aftersales.technician"}


@tagged("post_install", "-at_install")
class TestFieldServiceDeliveredUnitsReport(test_screens.TestDeliveredUnitsReport):
    """Technicians read the delivered units too (a technician has no After-Sales app to find the menu in)."""

    def _report_readers(self):
        return super()._report_readers() | new_test_user(
            self.env, "as_du_tech", groups="aftersales_field_service.group_aftersales_technician"
        )
