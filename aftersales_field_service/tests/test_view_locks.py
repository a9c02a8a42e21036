"""docs/security.md §2: the field-service screens show the locks of their models, as aftersales_service's own test
checks its screens."""
from odoo.tests import tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests import test_view_locks


@tagged("post_install", "-at_install")
class TestFieldServiceViewLocks(test_view_locks.TestViewLocks):

    modules = ("aftersales_field_service",)
