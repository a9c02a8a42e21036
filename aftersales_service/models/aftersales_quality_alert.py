from dateutil.relativedelta import relativedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tools import SQL

from ..selections import QUALITY_ALERT_STATES
from .aftersales_protected_fields_mixin import MANAGER_GROUP
from .aftersales_repair_charge import OUR_FAULT_CAUSES


class AftersalesQualityAlert(models.Model):
    """Early warning: a product's units, of one delivery month or one lot, fail in the field clearly more often than
    the product's own trailing rate. Raised once by the daily job with its evidence; a manager opens the corrective
    action or the recall from it (docs/recalls.md §8)."""

    _name = "aftersales.quality.alert"
    _description = "Quality Alert"
    _inherit = ["aftersales.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _aftersales_sequence = ("aftersales.quality.alert", "QA/%(year)s/")
    _check_company_auto = True
    _folded_states = ("done", "dismissed")
    _deletable_states = ()
    _workflow_fields = ("state", "recall_id", "corrective_action_id")
    _frozen_fields = (
        "product_id", "lot_id", "cohort", "delivered_qty", "failed_qty", "rate", "baseline_rate", "rma_line_ids",
        "complaint_ids", "delivery_record_ids",
    )

    # Fields -----------------------------------------------------------------------------------

    partner_id = fields.Many2one(required=False, string="Customer", help="Alerts concern products, not a customer.")
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self._default_user(), tracking=True,
        check_company=True, index=True,
    )
    product_id = fields.Many2one("product.product", required=True, readonly=True, index=True, check_company=True)
    lot_id = fields.Many2one("stock.lot", readonly=True, index="btree_not_null")
    cohort = fields.Date(
        string="Delivery Month", required=True, readonly=True,
        help="The month the units were delivered; for a lot, the month of its first delivery.",
    )
    delivered_qty = fields.Float(string="Delivered", readonly=True)
    failed_qty = fields.Float(string="Failed", readonly=True, help="Units returned for our faults or in verified "
                              "quality complaints.")
    rate = fields.Float(string="Failure Rate (%)", readonly=True, digits=(16, 2))
    baseline_rate = fields.Float(string="Baseline (%)", readonly=True, digits=(16, 2),
                                 help="The product's own rate over the months before.")
    rma_line_ids = fields.Many2many("aftersales.rma.line", string="Returned Units", readonly=True)
    complaint_ids = fields.Many2many("aftersales.complaint", string="Complaints", readonly=True)
    delivery_record_ids = fields.Many2many("aftersales.delivery.record", string="Failed Units", readonly=True)
    state = fields.Selection(
        QUALITY_ALERT_STATES, group_expand=True, default="new", required=True, readonly=True, tracking=True, index=True,
    )
    note = fields.Html(string="Investigation")
    recall_id = fields.Many2one("aftersales.recall", readonly=True, check_company=True, copy=False)
    corrective_action_id = fields.Many2one("aftersales.corrective.action", readonly=True, check_company=True,
                                           copy=False)

    can_investigate = fields.Boolean(compute="_compute_can")
    can_open_recall = fields.Boolean(compute="_compute_can")
    can_open_action = fields.Boolean(compute="_compute_can")
    can_close = fields.Boolean(compute="_compute_can")

    # Raised once per product, lot and delivery month (docs/recalls.md §8).
    _once = models.UniqueIndex(
        "(company_id, product_id, coalesce(lot_id, 0), cohort)", "This alert was raised already.",
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("state", "recall_id", "corrective_action_id", "complaint_ids")
    @api.depends_context("uid")
    def _compute_can(self):
        manager = self.env.user.has_group(MANAGER_GROUP)
        for alert in self:
            open_ = alert.state in ("new", "investigating")
            alert.can_investigate = alert.state == "new"
            alert.can_open_recall = open_ and manager and not alert.recall_id
            alert.can_open_action = (
                open_ and manager and not alert.corrective_action_id and bool(alert.complaint_ids)
            )
            alert.can_close = open_

    # Actions ----------------------------------------------------------------------------------

    def action_investigate(self):
        self._start_transition("can_investigate").write({"state": "investigating"})

    def action_open_recall(self):
        """A draft recall scoped to the alert's product, lot and delivery month (docs/recalls.md §8)."""
        self._check_manager(self.env._("Only an After-Sales manager opens a recall."))
        alert = self._start_locked_transition("can_open_recall")
        alert.ensure_one()
        recall = self.env["aftersales.recall"].create(alert._prepare_recall_values())
        alert.write({"recall_id": recall.id, "state": "investigating"})
        return self._action_documents("aftersales.recall", recall, self.env._("Recall"))

    def action_open_corrective_action(self):
        """A corrective action answering the alert's first complaint (docs/recalls.md §8)."""
        self._check_manager(self.env._("Only an After-Sales manager opens a corrective action from an alert."))
        alert = self._start_locked_transition("can_open_action")
        alert.ensure_one()
        action = self.env["aftersales.corrective.action"].create(alert._prepare_corrective_action_values())
        alert.write({"corrective_action_id": action.id, "state": "investigating"})
        return self._action_documents("aftersales.corrective.action", action, self.env._("Corrective Action"))

    def action_done(self):
        self._start_transition("can_close").write({"state": "done"})

    def action_dismiss(self):
        self._check_manager(self.env._("Only an After-Sales manager dismisses an alert."))
        self._start_transition("can_close").write({"state": "dismissed"})

    def _check_manager(self, message):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(message)

    # Business rules ---------------------------------------------------------------------------

    def _prepare_recall_values(self):
        self.ensure_one()
        end = self.cohort + relativedelta(months=1, days=-1)
        return {
            "company_id": self.company_id.id,
            "title": self.env._("%(product)s: field failures", product=self.product_id.display_name),
            "classification": "quality",
            "product_ids": [Command.set(self.product_id.ids)],
            "serial_ranges": f'"{self.lot_id.name}"' if self.lot_id else False,
            "delivered_from": False if self.lot_id else self.cohort,
            "delivered_to": False if self.lot_id else end,
            "defect_description": self.env._(
                "<p>Raised by %(alert)s: %(failed)s of %(delivered)s units failed (%(rate).1f %% against %(baseline).1f %%)."
                "</p>", alert=self.name, failed=self.failed_qty, delivered=self.delivered_qty, rate=self.rate,
                baseline=self.baseline_rate,
            ),
        }

    def _prepare_corrective_action_values(self):
        self.ensure_one()
        return {
            "complaint_id": self.complaint_ids[:1].id,
            "name": self.env._("Field failures of %(product)s (%(alert)s)", product=self.product_id.display_name,
                               alert=self.name),
            "date_deadline": self.company_id._aftersales_today() + relativedelta(days=30),
        }

    @api.model
    def _cron_detect(self):
        """Every day: each product's field failure rate per delivery-month cohort, and per lot where lot-tracked,
        against its own trailing baseline; a cohort past the company's thresholds raises its alert once
        (docs/recalls.md §8)."""
        self.env.flush_all()
        found = self.env.execute_query_dict(self._detection_query())
        self._raise_alerts(found)

    @api.model
    def _failure_sql(self, since):
        """The failed units per delivery record delivered since ``since``: received on RMAs for our faults (not recall
        work), or named by a verified quality complaint of ours (docs/recalls.md §8)."""
        return SQL("""
            SELECT record_id, least(greatest(sum(qty), max(flag)), max(units)) AS failed
              FROM (
                    SELECT line.delivery_record_id AS record_id, line.qty_received AS qty, 0 AS flag,
                           record.quantity AS units
                      FROM aftersales_rma_line line
                      JOIN aftersales_delivery_record record ON record.id = line.delivery_record_id
                     WHERE line.qty_received > 0 AND line.cause IN %(causes)s AND line.recall_id IS NULL
                       AND record.delivery_date >= %(since)s
                 UNION ALL
                    SELECT complaint.delivery_record_id, 0, 1, record.quantity
                      FROM aftersales_complaint complaint
                      JOIN aftersales_delivery_record record ON record.id = complaint.delivery_record_id
                     WHERE complaint.verified AND complaint.dimension = 'quality'
                       AND complaint.responsibility = 'department' AND complaint.state <> 'cancel'
                       AND record.delivery_date >= %(since)s
                   ) failures
          GROUP BY record_id
        """, causes=OUR_FAULT_CAUSES, since=since)

    @api.model
    def _detection_query(self):
        """The cohorts past their company's thresholds, in one statement over every product: per delivery month
        against the product's rate over the months before, and per lot of lot-tracked products against the product's
        rate over the same months without the lot."""
        today = fields.Date.context_today(self)
        # The widest window any company asks for; each company's own thresholds are applied in the query.
        [(months, baseline)] = self.env["res.company"].sudo()._read_group(
            [], aggregates=["aftersales_warning_months:max", "aftersales_warning_baseline_months:max"],
        )
        since = (today - relativedelta(months=months + baseline)).replace(day=1)
        checked_from = (today - relativedelta(months=months)).replace(day=1)
        return SQL("""
            WITH failed AS (%(failures)s),
            -- Delivered and failed units per product and month, added up rather than joined: one pass each.
            cohort_units AS (
                SELECT company_id, product_id, month, delivered_qty AS delivered, 0 AS failed
                  FROM aftersales_delivery_month
                 WHERE month >= %(since)s
             UNION ALL
                SELECT record.company_id, record.product_id, date_trunc('month', record.delivery_date)::date,
                       0, failed.failed
                  FROM failed JOIN aftersales_delivery_record record ON record.id = failed.record_id
            ), cohort_sums AS (
                SELECT company_id, product_id, month, sum(delivered) AS delivered, sum(failed) AS failed
                  FROM cohort_units
              GROUP BY company_id, product_id, month
            ), cohorts AS (
                SELECT company_id, product_id, NULL::integer AS lot_id, month, delivered, failed,
                       sum(failed) OVER previous AS base_failed, sum(delivered) OVER previous AS base_delivered
                  FROM cohort_sums
                 WHERE delivered > 0
                WINDOW previous AS (PARTITION BY company_id, product_id ORDER BY month
                                    RANGE BETWEEN make_interval(months => %(baseline)s) PRECEDING
                                              AND INTERVAL '1 month' PRECEDING)
            ), lots AS (
                SELECT record.company_id, record.product_id, record.lot_id,
                       min(date_trunc('month', record.delivery_date))::date AS month,
                       sum(record.quantity) AS delivered, coalesce(sum(failed.failed), 0) AS failed
                  FROM aftersales_delivery_record record
                  JOIN product_product product ON product.id = record.product_id
                  JOIN product_template template ON template.id = product.product_tmpl_id AND template.tracking = 'lot'
             LEFT JOIN failed ON failed.record_id = record.id
                 WHERE record.lot_id IS NOT NULL AND record.delivery_date >= %(since)s
              GROUP BY 1, 2, 3
            ), lot_cohorts AS (
                SELECT lots.company_id, lots.product_id, lots.lot_id, lots.month, lots.delivered, lots.failed,
                       sum(lots.failed) OVER product - lots.failed AS base_failed,
                       sum(lots.delivered) OVER product - lots.delivered AS base_delivered
                  FROM lots
                WINDOW product AS (PARTITION BY lots.company_id, lots.product_id)
            ), rated AS (
                SELECT * FROM cohorts UNION ALL SELECT * FROM lot_cohorts
            )
            SELECT rated.company_id, rated.product_id, rated.lot_id, rated.month AS cohort,
                   rated.delivered AS delivered_qty, rated.failed AS failed_qty,
                   100.0 * rated.failed / rated.delivered AS rate,
                   coalesce(100.0 * rated.base_failed / nullif(rated.base_delivered, 0), 0) AS baseline_rate
              FROM rated
              JOIN res_company company ON company.id = rated.company_id
         LEFT JOIN aftersales_quality_alert alert
                ON alert.company_id = rated.company_id AND alert.product_id = rated.product_id
               AND coalesce(alert.lot_id, 0) = coalesce(rated.lot_id, 0) AND alert.cohort = rated.month
             WHERE alert.id IS NULL AND rated.month >= %(checked_from)s
               AND rated.failed >= company.aftersales_warning_min_units
               AND rated.failed / rated.delivered >= company.aftersales_warning_ratio
                   * coalesce(rated.base_failed / nullif(rated.base_delivered, 0), 0)
          ORDER BY rated.company_id, rated.product_id, rated.month
        """, failures=self._failure_sql(since), since=since, baseline=baseline, checked_from=checked_from)

    @api.model
    def _raise_alerts(self, found):
        """An alert per cohort found, with its evidence read in one query; a cohort another worker alerted at the
        same moment is skipped by the unique index (docs/recalls.md §8)."""
        if not found:
            return self.browse()
        evidence = self._evidence(found)
        alerts = self.browse()
        for values in found:
            key = (values["company_id"], values["product_id"], values["lot_id"], values["cohort"])
            lines, complaints, records = evidence.get(key, ([], [], []))
            try:
                with self.env.cr.savepoint():
                    alert = self.sudo()._workflow().create({
                        **values,
                        "user_id": self.env["res.company"].browse(values["company_id"])._aftersales_assignee().id,
                        "rma_line_ids": [Command.set(lines)],
                        "complaint_ids": [Command.set(complaints)],
                        "delivery_record_ids": [Command.set(records)],
                    })
            except psycopg2.errors.UniqueViolation:
                continue
            alert.activity_schedule(
                "mail.mail_activity_data_todo", user_id=alert.user_id.id,
                summary=self.env._("Field failures above the usual rate"),
            )
            alerts |= alert
        return alerts

    @api.model
    def _evidence(self, found):
        """The RMA lines, complaints and failed units of each cohort found, in one query:
        ``{(company, product, lot, cohort): (line ids, complaint ids, record ids)}``."""
        since = min(values["cohort"] for values in found)
        rows = self.env.execute_query(SQL("""
            SELECT record.company_id, record.product_id, record.lot_id,
                   date_trunc('month', record.delivery_date)::date, record.id,
                   array_remove(array_agg(DISTINCT line.id), NULL), array_remove(array_agg(DISTINCT complaint.id), NULL)
              FROM (%(failures)s) failed
              JOIN aftersales_delivery_record record ON record.id = failed.record_id
         LEFT JOIN aftersales_rma_line line ON line.delivery_record_id = record.id AND line.qty_received > 0
                   AND line.cause IN %(causes)s AND line.recall_id IS NULL
         LEFT JOIN aftersales_complaint complaint ON complaint.delivery_record_id = record.id AND complaint.verified
                   AND complaint.dimension = 'quality' AND complaint.responsibility = 'department'
                   AND complaint.state <> 'cancel'
             WHERE record.product_id IN %(products)s
          GROUP BY record.id
        """, failures=self._failure_sql(since), causes=OUR_FAULT_CAUSES,
            products=tuple({values["product_id"] for values in found})))
        lots = {(values["company_id"], values["product_id"], values["lot_id"]): values["cohort"]
                for values in found if values["lot_id"]}
        evidence = {}
        for company, product, lot, month, record, lines, complaints in rows:
            keys = [(company, product, None, month)]
            if lot and (company, product, lot) in lots:
                keys.append((company, product, lot, lots[company, product, lot]))
            for key in keys:
                entry = evidence.setdefault(key, ([], [], []))
                entry[0].extend(lines)
                entry[1].extend(complaints)
                entry[2].append(record)
        return evidence
