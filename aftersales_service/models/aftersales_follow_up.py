from odoo import api, fields, models

# Set once per transaction that queued follow-ups: its commit starts the job that runs them.
TRIGGER_KEY = "aftersales_follow_up_trigger"
FOLLOW_UP_KINDS = [("email", "Customer E-mail"), ("return_visit", "Return Visit")]


class AftersalesFollowUp(models.Model):
    """What a transition asks for once it is committed: a customer e-mail, a return visit to plan. The
    transition queues it; the scheduler runs the queue right after the commit, one batch per kind, document
    model, template and user, as the user who made the transition (docs/README.md, follow-ups)."""

    _name = "aftersales.follow.up"
    _description = "Follow-Up of an After-Sales Transition"
    _order = "id"

    # Fields -----------------------------------------------------------------------------------

    kind = fields.Selection(FOLLOW_UP_KINDS, string="Follow-Up", required=True, readonly=True)
    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", required=True, readonly=True)
    template_id = fields.Many2one("mail.template", readonly=True, ondelete="cascade", help="The e-mail to send.")
    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="cascade",
                              help="Who made the transition: the e-mail is theirs, the visit planned by them.")
    date = fields.Date(readonly=True, help="The day the document closed, in the company's time zone.")

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _enqueue(self, kind, documents, template_id=False, dates=None):
        """Queue ``kind`` for each of ``documents``; run once the transaction commits."""
        self.sudo().create([{
            "kind": kind,
            "res_model": documents._name,
            "res_id": document.id,
            "template_id": template_id,
            "user_id": self._acting_user(document).id,
            "date": (dates or {}).get(document),
        } for document in documents])
        if not self.env.cr.precommit.data.get(TRIGGER_KEY):
            self.env.cr.precommit.data[TRIGGER_KEY] = True
            self.env.cr.precommit.add(self._trigger_run)

    @api.model
    def _acting_user(self, document):
        """Who the follow-up runs as: the user of the transition; for a customer's on the portal, whom the document
        is given to, as if they had done it (docs/portal.md §7)."""
        user = self.env.user
        if not user.share:
            return user
        company = document.sudo().company_id
        return company._aftersales_assignee(document.sudo()["user_id"]) or self.env.ref("base.user_root")

    @api.model
    def _trigger_run(self):
        self.env.ref("aftersales_service.ir_cron_follow_ups").sudo()._trigger()

    @api.model
    def _cron_run(self, limit=500):
        """Scheduled job: run up to ``limit`` queued follow-ups in batches; returns how many are left for the
        next run (docs/README.md, follow-ups)."""
        # The queue is the module's own bookkeeping, whoever runs the job.
        queue = self.sudo()
        queued = queue.search([], limit=limit)
        for (kind, model, template, user), follow_ups in queued.grouped(
            lambda follow_up: (follow_up.kind, follow_up.res_model, follow_up.template_id, follow_up.user_id)
        ).items():
            # As the user who made the transition, with the rights the transition had (a warehouse user's receipt
            # queues the RMA's e-mail).
            documents = self.env[model].with_user(user).sudo().browse(
                dict.fromkeys(follow_ups.mapped("res_id"))
            ).exists()
            if kind == "email":
                documents._post_customer_email(template)
            else:
                dates = {follow_up.res_id: follow_up.date for follow_up in follow_ups}
                self.env["aftersales.return.visit"].with_user(user).sudo()._schedule_for(
                    documents, {document: dates[document.id] for document in documents}
                )
        queued.unlink()
        left = queue.search_count([]) if len(queued) >= limit else 0
        if self.env.context.get("cron_id"):
            self.env["ir.cron"]._commit_progress(len(queued), remaining=left)
        return left
