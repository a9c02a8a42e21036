import time
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import CommittedCase

JOB_LOGGER = "odoo.addons.aftersales_service.models.aftersales_follow_up"


@tagged("post_install", "-at_install")
class TestFollowUp(CommittedCase):
    """docs/README.md, follow-ups: the job posting the customer e-mails of committed transitions while users work on
    the same documents and customers, in transactions of their own.

    Each test queues the acknowledgement e-mails of new complaints of new customers in a company of its own; the job
    runs on the whole queue, emptied first of what earlier tests committed.
    """

    @classmethod
    def _prepare(cls, env):
        company = env["res.company"].create({"name": f"Follow-Up Works {cls.tag}"})
        new_test_user(env, f"fu_{cls.tag}", groups="aftersales_service.group_aftersales_manager,base.group_partner_manager",
                      company_id=company.id, company_ids=[(6, 0, company.ids)])
        # Customers without a user are invited to sign up from the e-mail's button.
        parameters = env["ir.config_parameter"]
        cls.addClassCleanup(cls._set_scope, parameters.get_param("auth_signup.invitation_scope", "b2b"))
        parameters.set_param("auth_signup.invitation_scope", "b2c")
        return {"company": company.id}

    @classmethod
    def _set_scope(cls, scope):
        with cls._transaction() as env:
            env["ir.config_parameter"].set_param("auth_signup.invitation_scope", scope)

    def _acknowledged(self, count, after_commit=False):
        """``count`` complaints of as many new customers acknowledged by a manager in a committed transaction: each
        queues its e-mail, left to the job unless ``after_commit``. Returns (complaint ids, customer ids)."""
        self._run_job()
        with self._transaction(f"fu_{self.tag}", after_commit=after_commit) as env:
            customers = env["res.partner"].create([
                {"name": f"Customer {index} {self.tag}", "email": f"customer{index}.{self.tag}@example.com"}
                for index in range(count)
            ])
            complaints = env["aftersales.complaint"].create([{"partner_id": customer.id} for customer in customers])
            complaints.action_acknowledge()
            return complaints.ids, customers.ids

    def _run_job(self, env=None, **arguments):
        """The scheduler's run of the job, in a transaction of its own (each batch committed)."""
        if env is not None:
            env["aftersales.follow.up"]._cron_run(**arguments)
            return
        with self._transaction() as env:
            env["aftersales.follow.up"]._cron_run(**arguments)

    def _emails(self, env, complaint_ids):
        """The customer e-mails posted on each complaint: complaint id → messages."""
        messages = env["mail.message"].search([
            ("model", "=", "aftersales.complaint"), ("res_id", "in", complaint_ids),
            ("subtype_id", "=", env.ref("mail.mt_comment").id),
        ])
        return {complaint_id: messages.filtered(lambda message, complaint_id=complaint_id: message.res_id == complaint_id)
                for complaint_id in complaint_ids}

    def _assert_sent(self, env, complaint_ids, counts, msg=None):
        """As ``env``'s transaction sees them: ``counts`` customer e-mails on the complaints, in order."""
        emails = self._emails(env, complaint_ids)
        self.assertEqual([len(emails[complaint_id]) for complaint_id in complaint_ids], counts, msg)
        return emails

    def _queued(self, env, complaint_ids):
        return env["aftersales.follow.up"].search([("res_model", "=", "aftersales.complaint"),
                                                  ("res_id", "in", complaint_ids)])

    def test_a_failing_follow_up_holds_no_other_and_is_retried_later(self):
        complaint_ids, customer_ids = self._acknowledged(3)
        # Someone changes the second customer's identity (a merge, say) and holds its row meanwhile: its e-mail
        # cannot be posted now.
        with self._transaction(commit=False) as other:
            other.cr.execute("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [customer_ids[1]])
            with self._transaction() as env, self.assertLogs(JOB_LOGGER, "WARNING") as logs:
                env.cr.execute("SET lock_timeout = '1s'")
                started = fields.Datetime.now()
                self._run_job(env)
        self.assertIn("attempt 1 of 5", logs.output[0])
        with self._transaction(commit=False) as env:
            self._assert_sent(env, complaint_ids, [1, 0, 1])
            failed = self._queued(env, complaint_ids)
            self.assertEqual(failed.res_id, complaint_ids[1])
            self.assertEqual((failed.state, failed.attempts), ("queued", 1))
            self.assertIn("LockNotAvailable", failed.error)
            self.assertGreaterEqual(failed.retry_date, started + timedelta(minutes=2))
            retry_date = failed.retry_date

        self._run_job()
        with self._transaction(commit=False) as env:
            self.assertFalse(self._emails(env, complaint_ids)[complaint_ids[1]], "not before its retry time")
        with freeze_time(retry_date + timedelta(seconds=1)):
            self._run_job()
        with self._transaction(commit=False) as env:
            self._assert_sent(env, complaint_ids, [1, 1, 1])
            self.assertFalse(self._queued(env, complaint_ids))

    def test_a_follow_up_failing_again_and_again_is_given_up_with_a_log_line(self):
        complaint_ids, customer_ids = self._acknowledged(1)
        with self._transaction(commit=False) as other:
            other.cr.execute("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [customer_ids[0]])
            with self._transaction() as env:
                env.cr.execute("SET lock_timeout = '1s'")
                with self.assertLogs(JOB_LOGGER, "WARNING"):
                    self._run_job(env, max_attempts=2)
                retry_date = self._queued(env, complaint_ids).retry_date
                with freeze_time(retry_date + timedelta(seconds=1)), self.assertLogs(JOB_LOGGER, "ERROR") as logs:
                    self._run_job(env, max_attempts=2)
        self.assertIn("given up after 2 attempts", logs.output[0])
        with self._transaction(commit=False) as env:
            given_up = self._queued(env, complaint_ids)
            self.assertEqual((given_up.state, given_up.attempts, given_up.retry_date), ("failed", 2, False))
            with freeze_time(fields.Datetime.now() + timedelta(days=1)):
                self._run_job(env)
            self.assertFalse(self._emails(env, complaint_ids)[complaint_ids[0]], "never taken again")
        with self._transaction() as env:
            self._queued(env, complaint_ids).unlink()  # committed: the other tests find the queue as they left it

    def test_a_follow_up_claimed_by_another_worker_is_skipped_and_sent_once(self):
        complaint_ids, _customer_ids = self._acknowledged(2)
        with self._transaction() as other:
            claimed = other["aftersales.follow.up"]._claim(1)
            self.assertEqual(claimed.res_id, complaint_ids[0])
            # Not waited for: a wait would end in an error after the transaction's lock timeout. The scheduler hears
            # that nothing is left for it: the other worker runs the rest.
            with self._transaction() as env:
                cron = env.ref("aftersales_service.ir_cron_follow_ups")
                cron, progress = cron.with_context(cron_id=cron.id)._add_progress()
                self._run_job(env(context=dict(cron.env.context, cron_end_time=time.monotonic() + 600)))
                self.assertEqual((progress.done, progress.remaining), (1, 0))
            with self._transaction(commit=False) as env:
                self._assert_sent(env, complaint_ids, [0, 1])
            claimed._run_claimed(max_attempts=5)
        self._run_job()
        with self._transaction(commit=False) as env:
            self._assert_sent(env, complaint_ids, [1, 1])
            self.assertFalse(self._queued(env, complaint_ids))

    def test_a_follow_up_run_by_another_worker_since_the_job_began_is_not_an_error(self):
        complaint_ids, _customer_ids = self._acknowledged(2)
        with self._transaction() as env:
            # The job's transaction sees the queue as it was when it began (repeatable read)...
            self.assertEqual(len(self._queued(env, complaint_ids)), 2)
            # ... when another worker runs the first follow-up and commits.
            with self._transaction() as other:
                other["aftersales.follow.up"]._claim(1)._run_claimed()
            # Its row cannot be locked in this transaction any more: nothing claimed, not an error.
            self.assertIsNone(env["aftersales.follow.up"]._claim(1))
            # The job claims again from a new transaction.
            self._run_job(env)
        with self._transaction(commit=False) as env:
            self._assert_sent(env, complaint_ids, [1, 1])
            self.assertFalse(self._queued(env, complaint_ids))

    def test_the_job_writes_neither_the_documents_nor_the_customers(self):
        complaint_ids, customer_ids = self._acknowledged(2)
        with self._transaction(commit=False) as env:
            before = env["aftersales.complaint"].browse(complaint_ids).mapped("write_date"), \
                env["res.partner"].browse(customer_ids).mapped("write_date")
        # Users are editing the complaints and their customers at this moment: the job must not wait for them.
        with self._transaction(commit=False) as users:
            users.cr.execute("SELECT id FROM aftersales_complaint WHERE id IN %s FOR NO KEY UPDATE", [tuple(complaint_ids)])
            users.cr.execute("SELECT id FROM res_partner WHERE id IN %s FOR NO KEY UPDATE", [tuple(customer_ids)])
            with self._transaction() as env:
                env.cr.execute("SET lock_timeout = '1s'")
                self._run_job(env)
        with self._transaction(commit=False) as env:
            emails = self._assert_sent(env, complaint_ids, [1, 1])
            self.assertFalse(self._queued(env, complaint_ids))
            complaints = env["aftersales.complaint"].browse(complaint_ids)
            self.assertEqual((complaints.mapped("write_date"), env["res.partner"].browse(customer_ids).mapped("write_date")),
                             before)
            # The button of each e-mail opens the complaint with its token and invites the customer to sign up.
            for complaint in complaints:
                mail = env["mail.mail"].search([("mail_message_id", "in", emails[complaint.id].ids)])
                self.assertEqual(mail.recipient_ids, complaint.partner_id, "to the template's recipient, the customer")
                self.assertIn(f"access_token={complaint.access_token}", mail.body_html)
                self.assertIn("auth_signup_token=", mail.body_html)

    def test_the_e_mail_goes_to_the_templates_recipients_with_its_attachments(self):
        """docs/README.md, customer e-mails: the template says to whom and with what, not only the customer."""
        with self._transaction() as env:
            template = env.ref("aftersales_service.mail_template_complaint_acknowledged")
            quality = env["res.partner"].create({"name": f"Quality {self.tag}", "email": f"quality.{self.tag}@example.com"})
            leaflet = env["ir.attachment"].create({
                "name": f"Care leaflet {self.tag}.txt", "raw": b"Keep the motor dry.",
                "res_model": "mail.template", "res_id": template.id,
            })
            self.addCleanup(self._restore_template, template.id, template.read(["use_default_to", "partner_to"])[0],
                            leaflet.id)
            # The template names its recipients instead of the document's default one, the customer.
            template.write({
                "use_default_to": False, "partner_to": f"{template.partner_to},{quality.id}",
                "attachment_ids": [Command.link(leaflet.id)],
            })
            quality_id = quality.id
        complaint_ids, customer_ids = self._acknowledged(1)
        self._run_job()
        with self._transaction(commit=False) as env:
            message = self._assert_sent(env, complaint_ids, [1])[complaint_ids[0]]
            self.assertEqual(set(message.partner_ids.ids), {customer_ids[0], quality_id})
            self.assertEqual(message.attachment_ids.mapped("name"), [f"Care leaflet {self.tag}.txt"])
            mail = env["mail.mail"].search([("mail_message_id", "=", message.id)])
            self.assertEqual(set(mail.recipient_ids.ids), {customer_ids[0], quality_id})
            self.assertEqual(mail.attachment_ids.raw, b"Keep the motor dry.")

    @classmethod
    def _restore_template(cls, template_id, values, attachment_id):
        with cls._transaction() as env:
            env["mail.template"].browse(template_id).write({
                "use_default_to": values["use_default_to"], "partner_to": values["partner_to"],
            })
            env["ir.attachment"].browse(attachment_id).unlink()

    def test_the_worker_of_the_transition_posts_its_e_mails_once_committed(self):
        complaint_ids, _customer_ids = self._acknowledged(2, after_commit=True)
        with self._transaction(commit=False) as env:
            self._assert_sent(env, complaint_ids, [1, 1])
            self.assertFalse(self._queued(env, complaint_ids), "nothing left for the job")
        self._run_job()
        with self._transaction(commit=False) as env:
            self._assert_sent(env, complaint_ids, [1, 1], "not twice")

    def test_each_batch_is_committed_and_counted_until_the_time_is_up(self):
        complaint_ids, _customer_ids = self._acknowledged(5)
        with self._transaction(commit=False) as env:
            cron = env.ref("aftersales_service.ir_cron_follow_ups")
            cron, progress = cron.with_context(cron_id=cron.id)._add_progress()
            # The scheduler's time for the run is up: nothing is taken, all is left for the next run.
            self._run_job(env(context=dict(cron.env.context, cron_end_time=time.monotonic())), batch_size=2)
            self.assertEqual((progress.done, progress.remaining), (0, 5))
            self._run_job(env(context=dict(cron.env.context, cron_end_time=time.monotonic() + 600)), batch_size=2)
            self.assertEqual((progress.done, progress.remaining), (5, 0))
            # Seen from another transaction while the job's is still open: committed, one transaction per batch.
            with self._transaction(commit=False) as other:
                emails = self._assert_sent(other, complaint_ids, [1, 1, 1, 1, 1])
                other.cr.execute("SELECT count(DISTINCT xmin::text) FROM mail_message WHERE id IN %s",
                                 [tuple(message.id for messages in emails.values() for message in messages)])
                self.assertEqual(other.cr.fetchone()[0], 3)
