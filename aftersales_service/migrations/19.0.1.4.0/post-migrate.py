from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The follow-up job now claims small batches and retries a failing follow-up later (docs/README.md,
    follow-ups). Its scheduled action is loaded once and kept (noupdate): give it the new arguments."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.ref("aftersales_service.ir_cron_follow_ups").code = "model._cron_run()"
