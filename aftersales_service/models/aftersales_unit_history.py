from odoo import api, models
from odoo.tools import SQL, html2plaintext


class AftersalesUnitHistory(models.AbstractModel):
    """One timeline of everything that happened to delivered units, read in one query whatever its length: each
    source of entries is a SELECT over the units and the units they replaced (docs/recalls.md §1). Addons add their
    sources in :meth:`_history_sources`."""

    _name = "aftersales.unit.history"
    _description = "Service History of Delivered Units"

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _history_sources(self):
        """The SELECTs of the history's entries over the CTE ``units`` (the delivery records and those they
        replaced), each giving: day, kind, model, id, name, state, extra, customer, unit, link model, link id."""
        return [
            SQL("""
                SELECT record.delivery_date, 'delivery'::varchar, 'aftersales.delivery.record'::varchar, record.id,
                       coalesce(picking.name, sale.name)::varchar, NULL::varchar,
                       record.extended_warranty_months::text, record.partner_id, record.id, NULL::varchar,
                       NULL::integer
                  FROM aftersales_delivery_record record
                  JOIN units ON units.id = record.id
             LEFT JOIN stock_picking picking ON picking.id = record.picking_id
             LEFT JOIN sale_order sale ON sale.id = record.sale_order_id
            """),
            SQL("""
                SELECT record.acceptance_date, 'acceptance', 'aftersales.delivery.record', record.id, record.accepted_by,
                       NULL, NULL, record.partner_id, record.id, NULL, NULL
                  FROM aftersales_delivery_record record
                  JOIN units ON units.id = record.id
                 WHERE record.acceptance_date IS NOT NULL
            """),
            SQL("""
                SELECT record.delivery_date, 'replacement', 'aftersales.delivery.record', replaced.id, lot.name, NULL,
                       NULL, record.partner_id, record.id, 'aftersales.delivery.record', replaced.id
                  FROM aftersales_delivery_record record
                  JOIN units ON units.id = record.id
                  JOIN aftersales_delivery_record replaced ON replaced.id = record.replaced_record_id
             LEFT JOIN stock_lot lot ON lot.id = replaced.lot_id
            """),
            SQL("""
                SELECT replacement.delivery_date, 'replaced_by', 'aftersales.delivery.record', replacement.id, lot.name,
                       NULL, NULL, replacement.partner_id, units.id, 'aftersales.delivery.record', replacement.id
                  FROM aftersales_delivery_record replacement
                  JOIN units ON units.id = replacement.replaced_record_id
             LEFT JOIN stock_lot lot ON lot.id = replacement.lot_id
            """),
            SQL("""
                SELECT (message.date AT TIME ZONE 'UTC')::date, 'note', 'aftersales.delivery.record', message.res_id,
                       NULL, NULL, message.body, NULL, message.res_id, NULL, NULL
                  FROM mail_message message
                  JOIN units ON units.id = message.res_id
                 WHERE message.model = 'aftersales.delivery.record' AND message.message_type IN ('comment', 'notification')
                   AND message.body IS NOT NULL AND message.body::text <> ''
            """),
            SQL("""
                SELECT rma.date, 'rma', 'aftersales.rma', rma.id, rma.name, rma.state, line.decision, rma.partner_id,
                       line.delivery_record_id, 'aftersales.rma', rma.id
                  FROM aftersales_rma_line line
                  JOIN units ON units.id = line.delivery_record_id
                  JOIN aftersales_rma rma ON rma.id = line.rma_id AND rma.state <> 'cancel'
            """),
            SQL("""
                SELECT (repair.create_date AT TIME ZONE 'UTC')::date, 'repair', 'repair.order', repair.id, repair.name,
                       repair.state, NULL, rma.partner_id, line.delivery_record_id, NULL, NULL
                  FROM repair_order repair
                  JOIN aftersales_rma_line line ON line.id = repair.aftersales_rma_line_id
                  JOIN units ON units.id = line.delivery_record_id
                  JOIN aftersales_rma rma ON rma.id = line.rma_id
                 WHERE repair.state <> 'cancel'
            """),
            SQL("""
                SELECT coalesce(vendor.sent_on, (vendor.create_date AT TIME ZONE 'UTC')::date), 'vendor_repair',
                       'aftersales.vendor.repair', vendor.id, vendor.name, vendor.state, NULL, vendor.partner_id,
                       line.delivery_record_id, NULL, NULL
                  FROM aftersales_vendor_repair vendor
                  JOIN aftersales_rma_line line ON line.id = vendor.rma_line_id
                  JOIN units ON units.id = line.delivery_record_id
            """),
            SQL("""
                SELECT complaint.received_day, 'complaint', 'aftersales.complaint', complaint.id, complaint.name,
                       complaint.state, complaint.subject, complaint.partner_id, record.id, 'aftersales.complaint',
                       complaint.id
                  FROM aftersales_delivery_record record
                  JOIN units ON units.id = record.id
                  JOIN aftersales_complaint complaint
                    ON complaint.delivery_record_id = record.id
                    OR (complaint.delivery_record_id IS NULL AND complaint.lot_id = record.lot_id
                        AND complaint.partner_id = record.partner_id)
                 WHERE complaint.state <> 'cancel'
            """),
            SQL("""
                SELECT coalesce(visit.date_done, visit.date_planned), 'return_visit', 'aftersales.return.visit', visit.id,
                       visit.name, visit.state, NULL, visit.partner_id, coalesce(line.delivery_record_id, record.id),
                       NULL, NULL
                  FROM aftersales_return_visit visit
             LEFT JOIN aftersales_rma_line line ON line.rma_id = visit.rma_id
             LEFT JOIN aftersales_complaint complaint ON complaint.id = visit.complaint_id
             LEFT JOIN aftersales_delivery_record record ON record.id = complaint.delivery_record_id
                  JOIN units ON units.id = coalesce(line.delivery_record_id, record.id)
                 WHERE visit.state <> 'cancel'
            """),
            SQL("""
                SELECT coalesce(unit.notified_on, (recall.approved_date AT TIME ZONE 'UTC')::date), 'recall',
                       'aftersales.recall', recall.id, recall.name, unit.state,
                       coalesce(recall.title->>%(lang)s, recall.title->>'en_US'), unit.partner_id,
                       unit.delivery_record_id, CASE WHEN unit.notice_id IS NOT NULL THEN 'aftersales.recall.notice' END,
                       unit.notice_id
                  FROM aftersales_recall_unit unit
                  JOIN units ON units.id = unit.delivery_record_id
                  JOIN aftersales_recall recall ON recall.id = unit.recall_id AND recall.state NOT IN ('draft', 'cancel')
            """, lang=self.env.lang or "en_US"),
        ]

    @api.model
    def _entries(self, records):
        """The history of delivered ``records`` and of the units they replaced, oldest first, in one query
        (docs/recalls.md §1): a list of dicts (date, kind, model, res_id, name, state, extra, partner_id, unit_id,
        link_model, link_id)."""
        if not records:
            return []
        self.env.flush_all()
        rows = self.env.execute_query_dict(SQL("""
            WITH RECURSIVE lineage(id, depth) AS (
                SELECT id, 0 FROM aftersales_delivery_record WHERE id IN %(ids)s
             UNION
                SELECT record.replaced_record_id, lineage.depth + 1
                  FROM aftersales_delivery_record record
                  JOIN lineage ON lineage.id = record.id
                 WHERE record.replaced_record_id IS NOT NULL AND lineage.depth < 100
            ), units AS (SELECT DISTINCT id FROM lineage)
            SELECT entry.*
              FROM (%(sources)s) AS entry (date, kind, model, res_id, name, state, extra, partner_id, unit_id,
                                            link_model, link_id)
             WHERE entry.date IS NOT NULL
          ORDER BY entry.date, entry.kind, entry.res_id
        """, ids=tuple(records.ids), sources=SQL(" UNION ALL ").join(self._history_sources())))
        return rows

    @api.model
    def _customer_kinds(self):
        """The kinds of entries the customer reads on the portal: not our notes, not the manufacturer's repair
        (docs/recalls.md §1)."""
        return {
            "delivery", "acceptance", "replacement", "replaced_by", "rma", "repair", "complaint", "return_visit",
            "recall",
        }

    @api.model
    def _portal_paths(self):
        """The customer's page of a document of each model, when the portal has one."""
        return {
            "aftersales.rma": "/my/rmas/%s",
            "aftersales.complaint": "/my/complaints/%s",
            "aftersales.delivery.record": "/my/units/%s",
            "aftersales.recall.notice": "/my/recalls/%s",
        }

    @api.model
    def _labels(self):
        """What each kind of entry is called."""
        return {
            "delivery": self.env._("Delivered"),
            "acceptance": self.env._("Accepted"),
            "replacement": self.env._("Replacement of"),
            "replaced_by": self.env._("Replaced by"),
            "note": self.env._("Note"),
            "rma": self.env._("Return"),
            "repair": self.env._("Repair"),
            "vendor_repair": self.env._("Repair by the manufacturer"),
            "complaint": self.env._("Complaint"),
            "return_visit": self.env._("Return visit"),
            "recall": self.env._("Recall"),
        }

    @api.model
    def _prepare_timeline(self, records, portal=False):
        """The history's entries as a page shows them: label, reference, state in words, details and the link that
        opens the document. On the portal, the customer's own documents of the kinds they read, linked to their
        pages (docs/recalls.md §1)."""
        labels = self._labels()
        customer_kinds = self._customer_kinds()
        states = {}
        units = {record.id: record for record in records.sudo()}
        # On the portal: the entries of the units' present customers only, and those of no customer.
        customers = {None, *(record.partner_id.id for record in units.values())}
        timeline = []
        for entry in self._entries(records):
            kind = entry["kind"]
            if portal and (kind not in customer_kinds or entry["partner_id"] not in customers
                           or (kind == "recall" and not entry["link_id"])):
                # Not theirs, or a recall they were not told of yet.
                continue
            # A recall's entry tells the state of its unit.
            model = "aftersales.recall.unit" if kind == "recall" else entry["model"]
            if model not in states:
                field = self.env[model]._fields.get("state")
                states[model] = dict(field._description_selection(self.env)) if field else {}
            timeline.append({
                "date": entry["date"],
                "label": labels.get(kind, kind),
                "name": entry["name"] or "",
                "state": states[model].get(entry["state"], ""),
                "details": self._entry_details(entry),
                "url": self._entry_url(entry, portal),
                "other_unit": entry["unit_id"] not in units,
            })
        return timeline

    @api.model
    def _entry_details(self, entry):
        kind, extra = entry["kind"], entry["extra"]
        if not extra:
            return ""
        if kind == "delivery":
            return self.env._("extended warranty +%(months)s months", months=extra) if extra != "0" else ""
        if kind == "note":
            return html2plaintext(extra)
        if kind == "rma":
            decisions = dict(self.env["aftersales.rma.line"]._fields["decision"]._description_selection(self.env))
            return decisions.get(extra, "")
        return extra

    @api.model
    def _entry_url(self, entry, portal):
        if portal:
            path = self._portal_paths().get(entry["link_model"])
            return path % entry["link_id"] if path else ""
        return f"/odoo/{entry['model']}/{entry['res_id']}"

    @api.model
    def _render(self, records, portal=False):
        """The history as HTML, for the back office's forms (docs/recalls.md §1)."""
        return self.env["ir.qweb"]._render("aftersales_service.unit_service_history", {
            "timeline": self._prepare_timeline(records, portal), "portal": portal,
        })
