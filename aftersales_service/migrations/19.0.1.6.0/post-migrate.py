from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    """A complaint's times are now told in the customer's time zone, ``customer_tz`` (docs/portal.md §1), where they
    were in the company's, ``company_tz``. The acknowledgement e-mail is loaded once and kept (noupdate), in every
    language: it reads the new field."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("aftersales_service.mail_template_complaint_acknowledged", raise_if_not_found=False)
    if template:
        cr.execute(SQL(
            "UPDATE mail_template SET body_html = replace(body_html::text, 'object.company_tz', 'object.customer_tz')::jsonb"
            " WHERE id = %s",
            template.id,
        ))
