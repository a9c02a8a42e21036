import logging
from datetime import timedelta
from functools import partial

import psycopg2

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Set once per transaction that queued follow-ups: its commit starts the job that runs them.
TRIGGER_KEY = "aftersales_follow_up_trigger"
# The follow-ups a transaction queued, run by the same worker once it is committed.
AFTER_COMMIT_KEY = "aftersales_follow_up_after_commit"
# At most this many follow-ups in a transaction of the job or after a transition's commit.
BATCH_SIZE = 10
# A follow-up that failed this many times is given up.
MAX_ATTEMPTS = 5
FOLLOW_UP_KINDS = [("email", "Customer E-mail"), ("return_visit", "Return Visit")]
FOLLOW_UP_STATES = [("queued", "Queued"), ("failed", "Given Up")]


class AftersalesFollowUp(models.Model):
    """What a transition asks for once it is committed: a customer e-mail, a return visit to plan. The
    transition queues it; the worker that made the transition runs it right after the commit, and the scheduler's
    job runs what is left, in small batches committed one by one, as the user who made the transition
    (docs/README.md, follow-ups)."""

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
    state = fields.Selection(FOLLOW_UP_STATES, required=True, readonly=True, default="queued",
                             help="Given up: it failed too many times, see the error.")
    attempts = fields.Integer(readonly=True, help="How many times it failed.")
    retry_date = fields.Datetime(readonly=True, help="After a failure: not run again before.")
    error = fields.Text(readonly=True, help="Why it failed the last time.")

    # Business rules: queueing -----------------------------------------------------------------

    @api.model
    def _enqueue(self, kind, documents, template_id=False, dates=None):
        """Queue ``kind`` for each of ``documents``; run once the transaction commits."""
        follow_ups_sudo = self.sudo().create([{
            "kind": kind,
            "res_model": documents._name,
            "res_id": document.id,
            "template_id": template_id,
            "user_id": self._acting_user(document).id,
            "date": (dates or {}).get(document),
        } for document in documents])
        cr = self.env.cr
        if not cr.precommit.data.get(TRIGGER_KEY):
            cr.precommit.data[TRIGGER_KEY] = True
            cr.precommit.add(self._trigger_run)
        if AFTER_COMMIT_KEY not in cr.postcommit.data:
            cr.postcommit.data[AFTER_COMMIT_KEY] = []
            cr.postcommit.add(partial(self._run_after_commit, cr.postcommit.data[AFTER_COMMIT_KEY]))
        cr.postcommit.data[AFTER_COMMIT_KEY].extend(follow_ups_sudo.ids)

    @api.model
    def _acting_user(self, document):
        """Who the follow-up runs as: the user of the transition; for a customer's on the portal, whom the document
        is given to, as if they had done it (docs/portal.md §7)."""
        user = self.env.user
        if not user.share:
            return user
        company_sudo = document.sudo().company_id
        return company_sudo._aftersales_assignee(document.sudo()["user_id"]) or self.env.ref("base.user_root")

    @api.model
    def _trigger_run(self, at=None):
        self.env.ref("aftersales_service.ir_cron_follow_ups").sudo()._trigger(at)

    @api.model
    def _run_after_commit(self, ids):
        """Once the transition is committed, the worker that made it runs the follow-ups it queued, a batch at most,
        as the job would: the scheduler's workers run at a lower priority and may be busy with other jobs, which
        would make the customer wait for the e-mail. Whatever is left, or fails here, the job runs (docs/README.md,
        follow-ups)."""
        registry = self.env.registry
        if not registry.ready:
            return  # installing or updating: the job runs them
        try:
            with registry.cursor() as cr:
                queue_sudo = self.env(cr=cr, su=True)["aftersales.follow.up"]
                # Claimed by the job meanwhile (None): the job runs them.
                (queue_sudo._claim(BATCH_SIZE, Domain("id", "in", ids)) or queue_sudo)._run_claimed(MAX_ATTEMPTS)
        except Exception:  # noqa: BLE001  # the transition is committed: its follow-ups wait for the job
            _logger.warning("Follow-ups %s left to the scheduled job", ids, exc_info=True)

    # Business rules: the job ------------------------------------------------------------------

    @api.model
    def _cron_run(self, batch_size=BATCH_SIZE, max_attempts=MAX_ATTEMPTS):
        """Scheduled job: claim the due follow-ups ``batch_size`` at a time, skipping those another worker holds,
        run them and commit each batch, until none is left or the scheduler's time for the run is up
        (docs/README.md, follow-ups)."""
        # The queue is the module's own bookkeeping, whoever runs the job.
        queue_sudo = self.sudo()
        cron = self.env["ir.cron"]
        time_left = cron._commit_progress(remaining=queue_sudo.search_count(queue_sudo._due_domain()))
        while time_left:
            batch_sudo = queue_sudo._claim(batch_size)
            if batch_sudo is None:
                # Another worker ran some of them meanwhile: look again from a new transaction.
                time_left = cron._commit_progress()
                continue
            if not batch_sudo:
                # What is still due is being run by other workers: nothing is left for this run.
                cron._commit_progress(remaining=0)
                break
            batch_sudo._run_claimed(max_attempts)
            time_left = cron._commit_progress(len(batch_sudo))

    @api.model
    def _run_now(self):
        """Run every due follow-up at once, in the current transaction, without committing: the demo data's clicks
        are followed up as they are loaded. A failure is given up at once, with its log line."""
        (self.sudo()._claim(None) or self)._run_claimed(max_attempts=1)

    @api.model
    def _due_domain(self):
        return Domain("state", "=", "queued") & (
            Domain("retry_date", "=", False) | Domain("retry_date", "<=", fields.Datetime.now())
        )

    @api.model
    def _claim(self, limit, domain=Domain.TRUE):
        """The first ``limit`` due follow-ups (of ``domain``) no other transaction holds, locked until the commit.
        None when another worker ran and removed one of them after this transaction began: in a repeatable-read
        transaction the row cannot be locked any more, and the claim must be made again from a new transaction."""
        query = self._search(self._due_domain() & Domain(domain), order="id", limit=limit)
        try:
            with self.env.cr.savepoint(flush=False):
                rows = self.env.execute_query(SQL("%s FOR UPDATE SKIP LOCKED", query.select()))
        except psycopg2.errors.SerializationFailure:
            return None
        return self.browse(id_ for [id_] in rows)

    def _run_claimed(self, max_attempts=MAX_ATTEMPTS):
        """Run claimed follow-ups, grouped by kind, document model, template and user, each group in one go as
        its user. A group that fails runs again one follow-up at a time: the one that fails is
        retried later and holds nobody else (docs/README.md, follow-ups)."""
        for follow_ups in self.grouped(lambda follow_up: (
            follow_up.kind, follow_up.res_model, follow_up.template_id, follow_up.user_id
        )).values():
            if len(follow_ups) > 1 and not follow_ups._try_run():
                continue
            for follow_up in follow_ups:
                error = follow_up._try_run()
                if error:
                    follow_up._failed(error, max_attempts)

    def _try_run(self):
        """Run these follow-ups in a savepoint; on a failure, undo what they did and return the error."""
        try:
            with self.env.cr.savepoint():
                self._run()
        except Exception as error:  # noqa: BLE001  # whatever it is, the follow-up is retried later
            return error
        return None

    def _run(self):
        """Post the e-mails or plan the visits of follow-ups of one kind, document model, template and user, then
        remove them from the queue in the same transaction: committed together or not at all."""
        first = self[0]
        # As the user who made the transition, with the rights the transition had (a warehouse user's receipt
        # queues the RMA's e-mail). E-mails are sent by Odoo's mail queue once committed, not inside the job.
        documents_sudo = self.env[first.res_model].with_user(first.user_id).sudo().with_context(
            mail_notify_force_send=False
        ).browse(dict.fromkeys(self.mapped("res_id"))).exists()
        if first.kind == "email":
            documents_sudo._post_customer_email(first.template_id)
            if documents_sudo:
                self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        else:
            dates = {follow_up.res_id: follow_up.date for follow_up in self}
            self.env["aftersales.return.visit"].with_user(first.user_id).sudo()._schedule_for(
                documents_sudo, {document_sudo: dates[document_sudo.id] for document_sudo in documents_sudo}
            )
        self.unlink()

    def _failed(self, error, max_attempts):
        """Record why this follow-up failed: it runs again after a delay that doubles with each attempt (2, 4, 8...
        minutes), and is given up after ``max_attempts`` (docs/README.md, follow-ups)."""
        attempts = self.attempts + 1
        values = {"attempts": attempts, "error": f"{type(error).__name__}: {error}"}
        if attempts >= max_attempts:
            _logger.error(
                "Follow-up %s (%s of %s %s) given up after %s attempts: %s",
                self.id, self.kind, self.res_model, self.res_id, attempts, values["error"],
            )
            self.write(dict(values, state="failed", retry_date=False))
            return
        retry_date = fields.Datetime.now() + timedelta(minutes=2 ** attempts)
        _logger.warning(
            "Follow-up %s (%s of %s %s) failed, attempt %s of %s, retried at %s: %s",
            self.id, self.kind, self.res_model, self.res_id, attempts, max_attempts, retry_date, values["error"],
        )
        self.write(dict(values, retry_date=retry_date))
        self._trigger_run(retry_date)
