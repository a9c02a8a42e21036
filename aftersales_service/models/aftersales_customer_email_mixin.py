from odoo import api, models


class AftersalesCustomerEmailMixin(models.AbstractModel):
    """Documents that write to their customer: the e-mails are queued by a transition and posted in the document's
    conversation once it is committed (docs/README.md, customer e-mails and follow-ups)."""

    _name = "aftersales.customer.email.mixin"
    _description = "After-Sales Customer E-mails"

    # The customer e-mails of the document: key → XML id of its mail template.
    _aftersales_mail_templates = {}

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _mail_template(self, key):
        """The mail template of one of the document's customer e-mails; a missing one is an error."""
        return self.env.ref(self._aftersales_mail_templates[key])

    def _notify_customer(self, key):
        """Tell the customer by e-mail: queued now, posted in the document's chatter by the scheduler once the
        transition is committed (docs/README.md, follow-ups). A missing template fails the transition."""
        if not self:
            return
        template_id = self.env["ir.model.data"]._xmlid_to_res_id(
            self._aftersales_mail_templates[key], raise_if_not_found=True
        )
        self._ensure_customer_email_tokens()
        self.env["aftersales.follow.up"]._enqueue("email", self, template_id)

    def _ensure_customer_email_tokens(self):
        """Make in the transition what the e-mail's portal button needs and posting it would otherwise write: the
        document's access token and its customer's sign-up parameters. The job that posts the e-mail then writes
        neither the document nor the customer, which users may be editing (docs/README.md, follow-ups)."""
        if not isinstance(self, self.env.registry["portal.mixin"]):
            return
        for document_sudo in self.sudo():
            document_sudo._portal_ensure_token()
        customers = self._mail_get_partners(introspect_fields=False)
        self.env["res.partner"].union(*customers.values()).sudo().signup_get_auth_param()

    def _post_customer_email(self, template):
        """Post ``template`` in each document's chatter as Odoo's composer does, with the template's recipients,
        attachments and language, as an automatic message of the current user: the customer reads it in the
        document's portal conversation too (docs/README.md, customer e-mails; docs/portal.md §8)."""
        return self.sudo().message_post_with_source(
            template,
            author_id=self.env.user.partner_id.id,
            message_type="auto_comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )
