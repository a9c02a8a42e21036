import base64
import time
import uuid

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.http import DEFAULT_MAX_CONTENT_LENGTH
from odoo.tools import consteq, hmac, plaintext2html
from odoo.tools.mimetypes import guess_mimetype

# Pictures a customer may send, photos and signatures: raster images only (an SVG drawing can carry a script).
PICTURE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
# What a customer may upload: photos and PDF documents, nothing a browser would run (docs/portal.md §7).
PORTAL_UPLOAD_TYPES = (*PICTURE_TYPES, "application/pdf")
PHOTO_TOKEN_SCOPE = "aftersales-portal-photo"


class AftersalesPortalMixin(models.AbstractModel):
    """The customer's side of an after-sales document: its portal page and token, what the customer may send to
    it and the photos it shows (docs/portal.md)."""

    _name = "aftersales.portal.mixin"
    _description = "After-Sales Document on the Customer Portal"
    _inherit = ["portal.mixin"]
    # A customer who can read the document may write on it: messages from the portal (docs/portal.md §7).
    _mail_post_access = "read"

    # The page's path on the portal, e.g. "/my/rmas".
    _portal_path = None

    # Fields -----------------------------------------------------------------------------------

    customer_tz = fields.Char(
        string="Customer's Time Zone", compute="_compute_customer_tz",
        help="The time zone the customer reads our times in, on the portal and in e-mails: the portal user's own, "
             "else the customer's, else the company's.",
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("company_id", "partner_id.tz")
    @api.depends_context("uid")
    def _compute_customer_tz(self):
        """Our times as the customer reads them: in the portal user's own time zone, else the customer's, else the
        company's (docs/portal.md §1)."""
        reader_tz = self.env.user.share and self.env.user.tz
        for document in self:
            document.customer_tz = reader_tz or document.partner_id.tz or document.company_id._aftersales_tz().zone

    def _compute_access_url(self):
        for document in self:
            document.access_url = f"{self._portal_path}/{document.id}"

    # CRUD -------------------------------------------------------------------------------------

    def write(self, vals):
        """A document given to another customer gets a new token: the former one no longer opens it
        (docs/portal.md §7)."""
        moved = self.filtered(lambda document: document.access_token) if "partner_id" in vals else self.browse()
        former = {document: document.partner_id for document in moved}
        result = super().write(vals)
        for document in moved.filtered(lambda document: document.partner_id != former[document]):
            document.sudo().access_token = str(uuid.uuid4())
        return result

    # Business rules: the customer -------------------------------------------------------------

    @api.model
    def _portal_customer(self):
        """The customer a portal user acts for: their commercial entity, never a value of the request
        (docs/portal.md §7)."""
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Sign in to the customer portal first."))
        if not user.share:
            raise AccessError(self.env._(
                "Requests on the portal are the customers': record this one in the back office."
            ))
        return user.partner_id.commercial_partner_id

    @api.model
    def _portal_reread(self, model, ids, domain=None):
        """The records ``ids`` of ``model`` as the portal user may read them; a single one missing refuses the
        whole request (docs/portal.md §7)."""
        try:
            ids = {int(record_id) for record_id in ids if record_id}
        except (TypeError, ValueError):
            raise UserError(self.env._("The request names a record that does not exist.")) from None
        records = self.env[model].search([("id", "in", list(ids)), *(domain or [])]) if ids else self.env[model]
        if len(records) != len(ids):
            raise AccessError(self.env._("The request names a record that is not yours."))
        return records

    def _report_lang(self):
        """The language the customer's copy prints in: the reader's when it is printed from the portal, else the
        customer's (docs/portal.md §4)."""
        return self.env.context.get("aftersales_report_lang") or self.partner_id.lang

    @api.model
    def _portal_text(self, text):
        """A customer's plain text as safe HTML."""
        text = (text or "").strip()
        return plaintext2html(text) if text else False

    @api.model
    def _portal_local_datetime(self, value, company):
        """A date and time the customer typed, in the company's time zone, as stored (UTC)."""
        if not value:
            return False
        try:
            local = fields.Datetime.to_datetime(value.replace("T", " ")[:16] + ":00")
        except ValueError:
            raise UserError(self.env._("Give dates as on the form.")) from None
        return company._aftersales_utc(local)

    def _portal_assign(self, summary):
        """The coordinator hears of what the customer did on the portal with a to-do (docs/portal.md §3, §5)."""
        for document_sudo in self.sudo():
            document_sudo.activity_schedule(
                "mail.mail_activity_data_todo", user_id=document_sudo.user_id.id, summary=summary,
            )

    # Business rules: uploads ------------------------------------------------------------------

    @api.model
    def _portal_check_uploads(self, uploads, company):
        """Photos and documents a customer sends: a few, not too large, images or PDF only, as ``company`` (the
        document's) allows (docs/portal.md §7).

        :param uploads: list of ``(file name, bytes)``
        :return: list of ``(file name, bytes, mimetype)``
        """
        uploads = [(name, data) for name, data in uploads if data]
        limit = company.aftersales_portal_max_files
        if len(uploads) > limit:
            raise UserError(self.env._("Send at most %(count)s files at a time.", count=limit))
        max_size = int(self.env["ir.config_parameter"].sudo().get_param(
            "web.max_file_upload_size", DEFAULT_MAX_CONTENT_LENGTH
        ))
        checked = []
        for name, data in uploads:
            if len(data) > max_size:
                raise UserError(self.env._(
                    "%(file)s is too large: at most %(size)s MB.", file=name, size=max_size // (1024 * 1024)
                ))
            mimetype = guess_mimetype(data, default="application/octet-stream")
            if mimetype not in PORTAL_UPLOAD_TYPES:
                raise UserError(self.env._("%(file)s is neither a photo nor a PDF document.", file=name))
            checked.append((name, data, mimetype))
        return checked

    def _portal_attach(self, uploads):
        """Attach checked uploads to the document. As the portal user, with rights lifted only for the write: the
        attachment keeps its author, and Odoo neutralises what it would not trust from them."""
        self.ensure_one()
        if not uploads:
            return self.env["ir.attachment"]
        return self.env["ir.attachment"].sudo().create([{
            "name": name,
            "datas": base64.b64encode(data),
            "mimetype": mimetype,
            "res_model": self._name,
            "res_id": self.id,
        } for name, data, mimetype in uploads])

    # Business rules: photos -------------------------------------------------------------------

    def _portal_photos(self):
        """The photos and documents the customer sent to this document (docs/portal.md §7)."""
        self.ensure_one()
        return self.env["ir.attachment"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "=", self.id), ("res_field", "=", False),
            ("mimetype", "in", PORTAL_UPLOAD_TYPES), ("create_uid.share", "=", True),
        ], order="id")

    def _portal_photo_signature(self, attachment_id, expiry):
        """The signature of a link to one photo of this document, until ``expiry``: it names the photo, the
        document and the document's token, so that a document given to another customer drops its links."""
        self.ensure_one()
        message = (attachment_id, self._name, self.id, self.sudo().access_token or "", expiry)
        return hmac(self.env(su=True), PHOTO_TOKEN_SCOPE, message)

    def _portal_photo_url(self, attachment):
        """A link to one photo of this document, signed for that photo alone and expiring after the company's
        setting (docs/portal.md §7)."""
        expiry = int(time.time()) + 3600 * self.sudo().company_id.aftersales_portal_link_hours
        signature = self._portal_photo_signature(attachment.id, expiry)
        return f"/my/aftersales/photo/{self._name}/{attachment.id}/{expiry}/{signature}"

    @api.model
    def _portal_photo_check(self, attachment_id, expiry, signature):
        """The photo a signed link names, if the link is genuine and unexpired and the photo is still one the
        customer sent to the document the link was made for; else nothing."""
        attachment_sudo = self.env["ir.attachment"].sudo().browse(attachment_id).exists()
        if expiry < time.time() or not attachment_sudo or attachment_sudo.res_model != self._name:
            return self.env["ir.attachment"]
        document = self.browse(attachment_sudo.res_id).exists()
        if not document or attachment_sudo not in document._portal_photos():
            return self.env["ir.attachment"]
        if not consteq(document._portal_photo_signature(attachment_id, expiry), signature):
            return self.env["ir.attachment"]
        return attachment_sudo

    # Business rules: state changes ------------------------------------------------------------

    def _portal_author(self):
        """Who acts on the portal: the signed-in customer, or the document's customer for a visitor holding its
        token (docs/portal.md §7)."""
        self.ensure_one()
        user = self.env.user
        return self.sudo().partner_id if user._is_public() else user.partner_id

    def _portal_post(self, body):
        """A message of the customer in the document's thread, as the portal would post it."""
        if body:
            self.sudo().message_post(
                body=body, author_id=self._portal_author().id, message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
