from datetime import datetime, timedelta

from freezegun import freeze_time
from lxml import etree
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestDispatchOrder(DispatchCase):
    """Dispatch orders: planning, the visit, parts from the van, fees and sign-off (docs/field-service.md)."""

    def test_a_visit_planned_from_a_complaint_meets_its_on_site_deadline_and_uses_the_van(self):
        unit = self._units(["FS-001"])
        complaint = self.env["aftersales.complaint"].with_user(self.coordinator).create({
            "partner_id": self.customer.id, "kind": "service_request", "subject": "Motor stops",
            "delivery_record_id": unit.id, "product_id": unit.product_id.id, "lot_id": unit.lot_id.id,
        })
        self.assertTrue(complaint.onsite_deadline)
        order = self._plan_from(complaint)
        self.assertRegex(order.name, r"^DSP/\d{4}/\d{5}$")
        self.assertEqual((order.origin, order.complaint_id, order.line_ids.delivery_record_id), ("complaint", complaint, unit))
        self.assertEqual(order.line_ids.warranty_state, "in_warranty")
        self.assertEqual(order.line_ids.charge_mode, "free", "a fault in warranty is expected to be ours")
        self.assertEqual(order.onsite_deadline, complaint.onsite_deadline)
        self.assertEqual(order.state, "dispatched")
        self.assertEqual(order.activity_ids.user_id, self.tech_user, "the technician has the visit as a to-do")

        done = self._visit(order, parts=[(self.spare_part, 2)])
        self.assertEqual(done.state, "done")
        self.assertEqual(complaint.onsite_date, done.checkin_date, "the arrival meets the complaint's on-site target")
        self.assertTrue(complaint.first_response_date)
        repair = done.line_ids.repair_id
        self.assertEqual(repair.state, "done")
        self.assertEqual(repair.location_id, self.van)
        self.assertTrue(repair.under_warranty)
        Quant = self.env["stock.quant"]
        self.assertEqual(Quant._get_available_quantity(self.spare_part, self.van), 3.0, "two parts left the van")
        consumed = repair.move_ids.filtered(lambda move: move.repair_line_type == "add")
        self.assertEqual((consumed.state, consumed.location_dest_id.usage), ("done", "production"))
        self.assertEqual(repair.move_id.location_dest_id, self.customer.property_stock_customer,
                         "the unit stayed at the customer's")
        self.assertEqual(done.amount_total, 0.0, "free in warranty")
        self.assertTrue(done.signed_on)

        done.with_user(self.dispatcher).action_close()
        self.assertEqual(done.state, "closed")
        self.assertFalse(done.sale_order_id, "nothing to charge, nothing invoiced")
        self._run_follow_ups()
        visit = self.env["aftersales.return.visit"].search([("dispatch_order_id", "=", done.id)])
        self.assertEqual(len(visit), 1, "closing plans the return visit")
        self.assertEqual(visit.lot_id, unit.lot_id)
        self.assertFalse(self.env["aftersales.return.visit"].search([("repair_id", "=", repair.id)]),
                         "the on-site repair is followed with its visit, not twice")

    def test_removed_parts_go_to_the_defective_parts_location(self):
        unit = self._units(["FS-002"])
        order = self._plan(unit).with_user(self.tech_user)
        order.action_check_in()
        repair = self.env["repair.order"].browse(order.line_ids.action_repair_on_site()["res_id"])
        self.assertEqual(repair.parts_location_id, self.warehouse.aftersales_defective_location_id)
        old_part = self.spare_part.with_context(default_repair_line_type="remove")
        with Form(repair.with_user(self.tech_user)) as repair_form:
            with repair_form.move_ids.new() as move:
                move.repair_line_type = "remove"
                move.product_id = old_part
                move.product_uom_qty = 1
        self._visit_report(order)
        removed = repair.move_ids.filtered(lambda move: move.repair_line_type == "remove")
        self.assertEqual(removed.state, "done")
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.spare_part, self.warehouse.aftersales_defective_location_id),
            1.0,
        )

    def _visit_report(self, order, **values):
        with Form(order) as order_form:
            order_form.fault_found = values.get("fault_found", "Worn winding")
            order_form.work_done = "Replaced"
            order_form.outcome = values.get("outcome", "fixed")
            order_form.signature_refusal = "Not authorised to sign"
        order.action_check_out()

    def test_parts_missing_from_the_van_stop_the_check_out(self):
        unit = self._units(["FS-003"])
        order = self._plan(unit)
        with self.assertRaisesRegex(UserError, "Not in the van: .*Winding Kit"):
            self._visit(order, parts=[(self.spare_part, 9)])
        self.assertEqual(order.state, "on_site", "nothing was written")
        self.assertEqual(sum(self.env["stock.quant"]._gather(self.spare_part, self.van).mapped("quantity")), 5.0)

    def test_the_technician_must_be_qualified_unless_a_manager_overrides(self):
        unit = self._units(["FS-004"])
        self.other_technician.certificate_expiry = self.company._aftersales_today() - timedelta(days=1)
        with self.assertRaisesRegex(UserError, "certificate expired"):
            self._plan(unit, technician=self.other_technician)
        self.other_technician.certificate_expiry = self.company._aftersales_today() + timedelta(days=30)
        self.other_technician.skill_ids = self.env["product.category"].create({"name": "Pumps"})
        with self.assertRaisesRegex(UserError, "no skill for Small Motors"):
            self._plan(unit, technician=self.other_technician)
        self.other_technician.skill_ids = False
        self.other_technician.evaluation_date = self.company._aftersales_today() - timedelta(days=400)
        order = self.env["aftersales.dispatch.order"].with_user(self.dispatcher).create({
            "partner_id": self.customer.id, "technician_id": self.other_technician.id,
            "appointment_start": self._tomorrow_at(9), "appointment_end": self._tomorrow_at(10),
            "line_ids": [(0, 0, {"delivery_record_id": unit.id})],
        })
        self.assertIn("no passed evaluation within a year", order.qualification_issue)
        with self.assertRaises(AccessError, msg="only a manager overrides"):
            order.with_user(self.dispatcher).override_reason = "Nobody else is free"
        with self.assertRaisesRegex(UserError, "cannot be dispatched"):
            order.with_user(self.dispatcher).action_schedule()
        order.with_user(self.manager).override_reason = "Nobody else is free; supervised by phone"
        self.assertEqual(order.overridden_by_id, self.manager)
        order.with_user(self.dispatcher).action_schedule()
        self.assertEqual(order.state, "scheduled")

    def test_a_visit_needs_a_technician_a_window_and_units(self):
        Order = self.env["aftersales.dispatch.order"].with_user(self.dispatcher)
        order = Order.create({"partner_id": self.customer.id})
        with self.assertRaisesRegex(UserError, "choose the technician and the appointment window"):
            order.action_schedule()
        order.write({"technician_id": self.technician.id, "appointment_start": self._tomorrow_at(9),
                     "appointment_end": self._tomorrow_at(10)})
        with self.assertRaisesRegex(UserError, "list the customer's units"):
            order.action_schedule()
        order.service_type = "training"
        order.action_schedule()
        self.assertEqual(order.charge_mode, "full", "a visit without units is charged")
        with self.assertRaises(Exception):
            with self.env.cr.savepoint():
                Order.create({"partner_id": self.customer.id, "appointment_start": self._tomorrow_at(10),
                              "appointment_end": self._tomorrow_at(9)})

    def test_only_the_customers_own_units_are_visited(self):
        unit = self._units(["FS-005"])
        rival_unit = self._units(["FS-006"], partner=self.distributor)
        with self.assertRaisesRegex(ValidationError, "not delivered to Acme Motors Ltd"):
            self.env["aftersales.dispatch.order"].with_user(self.dispatcher).create({
                "partner_id": self.customer.id,
                "line_ids": [(0, 0, {"delivery_record_id": unit.id}), (0, 0, {"delivery_record_id": rival_unit.id})],
            })

    def test_each_step_has_its_guard_and_its_people(self):
        unit = self._units(["FS-007"])
        order = self._plan(unit)
        with self.assertRaisesRegex(UserError, "not possible while Dispatched"):
            order.with_user(self.dispatcher).action_schedule()
        with self.assertRaises(UserError, msg="another technician does not check in"):
            order.with_user(self.other_tech_user).action_check_in()
        with self.assertRaises(UserError, msg="a technician does not close"):
            order.with_user(self.tech_user).action_close()
        order.with_user(self.tech_user).action_check_in()
        with self.assertRaisesRegex(UserError, "not possible while On Site"):
            order.with_user(self.tech_user).action_check_in()
        with self.assertRaisesRegex(UserError, "record the fault found and the outcome"):
            order.with_user(self.tech_user).action_check_out()
        order.with_user(self.tech_user).write({"fault_found": "Loose cable", "work_done": "Tightened", "outcome": "fixed"})
        with self.assertRaisesRegex(UserError, "signs the order, or say why"):
            order.with_user(self.tech_user).action_check_out()
        order.with_user(self.tech_user).signature_refusal = "The manager was away"
        order.with_user(self.tech_user).action_check_out()
        with self.assertRaisesRegex(UserError, "not possible while Done"):
            order.with_user(self.dispatcher).action_cancel()

    def test_protected_fields_are_refused_outside_the_workflow(self):
        unit = self._units(["FS-008"])
        order = self._plan(unit)
        for vals in ({"state": "done"}, {"checkin_date": fields.Datetime.now()}, {"appointment_confirmed": True},
                     {"signed_on": fields.Datetime.now()}):
            with self.subTest(values=vals), self.assertRaisesRegex(UserError, "cannot be written directly"):
                order.with_user(self.dispatcher).write(vals)
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.with_user(self.dispatcher).technician_id = self.other_technician
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.with_user(self.tech_user).fault_found = "typed before arriving"
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.with_user(self.tech_user).line_ids.cause = "misuse"

    def test_rescheduling_keeps_the_reason_and_asks_the_customer_again(self):
        unit = self._units(["FS-009"])
        order = self._plan(unit)
        order.with_user(self.dispatcher).action_confirm_appointment()
        self.assertTrue(order.appointment_confirmed)
        action = order.with_user(self.dispatcher).action_reschedule()
        with Form(self.env[action["res_model"]].with_user(self.dispatcher).with_context(**action["context"])) as wizard:
            wizard.appointment_start = self._tomorrow_at(14)
            wizard.appointment_end = self._tomorrow_at(16)
            wizard.reason = "The customer's plant is closed in the morning"
        wizard.record.action_reschedule()
        self.assertEqual(order.appointment_start, self._tomorrow_at(14))
        self.assertFalse(order.appointment_confirmed)
        self.assertEqual(order.reschedule_ids.reason, "The customer's plant is closed in the morning")
        self.assertEqual(order.reschedule_ids.previous_start, self._tomorrow_at(9))
        self.assertEqual(len(order.activity_ids), 1, "the technician's to-do moved with the visit")
        with self.assertRaisesRegex(UserError, "reason"):
            order._reschedule(self._tomorrow_at(15), self._tomorrow_at(16), "  ")
        with self.assertRaises(AccessError):
            self.env["aftersales.dispatch.reschedule"].with_user(self.dispatcher).create({
                "order_id": order.id, "reason": "forged",
            })

    def test_the_customer_is_told_the_appointment_and_each_new_one(self):
        self.customer.tz = "Asia/Shanghai"
        self.tech_user.partner_id.phone = "+86 138 0013 8000"
        order = self._plan(self._units(["FS-026"]), start=self._tomorrow_at(1))
        self._run_follow_ups()
        scheduled = order.message_ids.filtered(lambda message: "your appointment" in (message.subject or ""))
        self.assertEqual(len(scheduled), 1, "scheduled, then dispatched: one e-mail")
        self.assertEqual(scheduled.partner_ids, self.customer)
        when = self._tomorrow_at(9).strftime("%m/%d/%Y")
        for expected in (self.technician.name, "+86 138 0013 8000", f"{when} 09:00", f"{when} 11:00", "Asia/Shanghai",
                         f"/my/visits/{order.id}?access_token={order.access_token}"):
            self.assertIn(expected, scheduled.body)
        self._speak("zh_CN")
        self.customer.lang = "zh_CN"
        order.with_user(self.dispatcher)._reschedule(self._tomorrow_at(5), self._tomorrow_at(7), "Plant closed at 9")
        self._run_follow_ups()
        rescheduled = order.message_ids.filtered(lambda message: "新的预约时间" in (message.subject or ""))
        self.assertIn("确认预约，或另约时间", rescheduled.body, "in the customer's language")
        day = self._tomorrow_at(9).strftime("%Y/%m/%d")
        self.assertIn(f"{day} 13:00", rescheduled.body, "the new window, in Chinese format, in the customer's zone")
        self.assertIn(f"{day} 15:00", rescheduled.body)

    def test_out_of_warranty_the_fee_is_quoted_accepted_and_invoiced_once(self):
        unit = self._units(["FS-010"])
        later = fields.Datetime.now() + timedelta(days=3 * 365)
        order = self._plan(unit, call_date=later)
        self.assertEqual(order.line_ids.warranty_state, "expired")
        self.assertEqual(order.charge_mode, "full")
        done = self._visit(order, parts=[(self.spare_part, 1)], labour_hours=2.0)
        self.assertEqual((done.amount_labour, done.amount_travel, done.amount_parts), (120.0, 80.0, 150.0))
        self.assertEqual(done.amount_total, 350.0)
        with self.assertRaisesRegex(UserError, r"accepts the quotation of .*350\.00"):
            done.with_user(self.dispatcher).action_close()
        done.with_user(self.tech_user).action_create_quotation()
        sale_order = done.sale_order_id
        self.assertEqual(sorted(sale_order.order_line.mapped("product_id.name")), ["Repair Labour", "Travel Fee", "Winding Kit"])
        self.assertAlmostEqual(sale_order.amount_untaxed, 350.0)
        self.assertFalse(done.with_user(self.tech_user).can_quote, "one quotation per visit")
        self.assertFalse(sale_order.picking_ids, "the parts already left the van: no second delivery")
        sale_order.action_confirm()
        done.with_user(self.dispatcher).action_close()
        invoice = done.invoice_ids
        self.assertEqual((len(invoice), invoice.state, invoice.amount_untaxed), (1, "posted", 350.0))
        with self.assertRaisesRegex(UserError, "not possible while Closed"):
            done.with_user(self.dispatcher).action_close()
        self.assertEqual(len(sale_order.invoice_ids), 1)
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            done.with_user(self.tech_user).write({"fee_collected": 350.0, "fee_receipt_number": "R-1"})

    def test_a_fee_collected_on_site_is_never_invoiced(self):
        units = self._units(["FS-011", "FS-012"])
        later = fields.Datetime.now() + timedelta(days=3 * 365)
        order = self._plan(units[0], call_date=later)
        with self.assertRaisesRegex(ValidationError, "receipt number"):
            self._visit(order, labour_hours=1.0, fee_collected=140.0)
        order.invalidate_recordset()
        done = self._visit(self._plan(units[1], call_date=later), labour_hours=1.0, fee_collected=140.0,
                           fee_receipt_number="R-0001")
        self.assertEqual(done.amount_total, 140.0)
        self.assertFalse(done.with_user(self.tech_user).can_quote)
        done.with_user(self.dispatcher).action_close()
        self.assertFalse(done.sale_order_id)
        self.assertFalse(self.env["account.move"].search([("invoice_origin", "=", done.name)]))
        other = self._plan(self._units(["FS-013"]), call_date=later).with_user(self.tech_user)
        other.action_check_in()
        with self.assertRaises(IntegrityError, msg="one receipt, one visit"), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            other.write({"fee_collected": 140.0, "fee_receipt_number": "R-0001"})
            other.flush_recordset()

    def test_customer_misuse_found_on_site_voids_the_warranty_and_charges(self):
        unit = self._units(["FS-014"])
        order = self._plan(unit).with_user(self.tech_user)
        order.action_check_in()
        with Form(order) as order_form:
            with order_form.line_ids.edit(0) as line:
                line.cause = "misuse"
        self.assertEqual(order.line_ids.warranty_state, "void")
        self.assertEqual(order.charge_mode, "full")

    def test_units_taken_back_go_on_an_rma(self):
        unit = self._units(["FS-015"])
        order = self._visit(self._plan(unit), outcome="taken_back")
        rma = order.taken_back_rma_id
        self.assertTrue(rma)
        self.assertEqual((rma.partner_id, rma.state, rma.line_ids.delivery_record_id), (self.customer, "draft", unit))
        self.assertTrue(rma.activity_ids, "the coordinator approves the return")

    def test_another_visit_follows_missing_parts(self):
        unit = self._units(["FS-016"])
        order = self._visit(self._plan(unit), outcome="waiting_parts")
        self.assertEqual(order.first_time_fix, 0.0)
        action = order.with_user(self.dispatcher).action_another_visit()
        follow = self.env["aftersales.dispatch.order"].browse(action["res_id"])
        self.assertEqual((follow.state, follow.previous_order_id, follow.line_ids.delivery_record_id), ("draft", order, unit))
        self.assertFalse(follow.appointment_start)

    def test_the_figures_of_a_visit(self):
        unit = self._units(["FS-017"])
        call, nine, ten, noon = (self._tomorrow_at(hour) for hour in (6, 9, 10, 12))
        with freeze_time(call):
            order = self._plan(unit, start=nine, call_date=call)
        with freeze_time(ten):
            done = self._visit(order)
        self.assertEqual(done.onsite_met, 100.0, "arrived within the appointment")
        self.assertEqual(done.first_time_fix, 100.0)
        self.assertEqual(done.arrival_hours, 4.0)
        late = self._plan(self._units(["FS-018"]), start=nine)
        with freeze_time(noon):
            late = self._visit(late)
        self.assertEqual(late.onsite_met, 0.0, "the appointment ended at eleven")

    def test_a_technician_sees_the_visits_they_are_sent_on_only(self):
        order = self._plan(self._units(["FS-021"]))
        helped = self._plan(self._units(["FS-022"]), technician=self.other_technician)
        Orders = self.env["aftersales.dispatch.order"]
        self.assertEqual(Orders.with_user(self.tech_user).search([]), order)
        self.assertEqual(Orders.with_user(self.other_tech_user).search([]), helped)
        with self.assertRaises(AccessError):
            helped.with_user(self.tech_user).read(["name"])
        self.env["aftersales.dispatch.order"].browse(helped.id)._workflow().write({"helper_ids": [(4, self.technician.id)]})
        self.assertEqual(Orders.with_user(self.tech_user).search([]), order | helped, "a helper sees the visit too")
        both = [("id", "in", (order | helped).ids)]
        self.assertEqual(Orders.with_user(self.coordinator).search(both), order | helped, "after-sales users see every visit")
        other_company = self.env["res.company"].create({"name": "Second Plant Co"})
        outsider = self.env["res.users"].create({
            "name": "Other plant dispatcher", "login": "fs_other_dispatcher", "company_id": other_company.id,
            "company_ids": [(6, 0, other_company.ids)],
            "group_ids": [(6, 0, self.env.ref("aftersales_field_service.group_aftersales_dispatcher").ids)],
        })
        self.assertFalse(Orders.with_user(outsider).search([]), "another company's dispatcher sees none")

    def test_the_technician_picker_says_who_is_not_qualified_before_choosing(self):
        today = self.company._aftersales_today()
        novice = self.env["aftersales.technician"].create({
            "user_id": new_test_user(self.env, "as_novice", groups="aftersales_field_service.group_aftersales_technician").id,
            "certificate_number": "CERT-9", "certificate_expiry": today - timedelta(days=1),
            "evaluation_date": today, "evaluation_passed": True,
        })
        unit = self._units(["FS-027"])
        form_context = {"aftersales_qualify_on": fields.Datetime.to_string(self._tomorrow_at(9)),
                        "aftersales_qualify_categ_ids": unit.product_id.categ_id.ids}
        offered = dict(self.env["aftersales.technician"].with_user(self.dispatcher).with_context(**form_context)
                       .name_search(""))
        self.assertEqual(offered[self.technician.id], self.technician.name, "qualified: nothing to say")
        self.assertIn("certificate expired or missing", offered[novice.id])
        self.assertIn(f"no skill for {unit.product_id.categ_id.name}", offered[novice.id])
        self.assertEqual(novice.display_name, novice.name, "elsewhere, just the name")
        arch = self.env["aftersales.dispatch.order"].get_view(view_type="form")["arch"]
        self.assertIn("aftersales_qualify_categ_ids", etree.fromstring(arch).xpath("//field[@name='technician_id']")[0]
                      .get("context"))

    def test_my_visits_today_are_mine_and_today(self):
        six, nine = self._tomorrow_at(6), self._tomorrow_at(9)
        with freeze_time(six):
            today = self._plan(self._units(["FS-023"]), start=nine)
            self._plan(self._units(["FS-024"]), start=nine + timedelta(days=1))
            self._plan(self._units(["FS-025"]), start=nine, technician=self.other_technician)
            opened, facets = self._opened_list(
                "aftersales_field_service.action_aftersales_dispatch_order_today", self.tech_user
            )
        self.assertEqual(opened, today, "neither tomorrow's visit nor a colleague's")
        self.assertEqual(facets, [["My Visits"], ["Today"]])
        kanban = self.env["aftersales.dispatch.order"].get_view(
            self.env.ref("aftersales_field_service.aftersales_dispatch_order_view_kanban_today").id, "kanban"
        )
        self.assertNotIn("default_group_by", kanban["arch"], "the day's cards, not the workflow's empty columns")

    def test_the_planning_shows_the_weeks_visits_by_technician_as_who_where_what(self):
        self.customer.city = "Zibo"
        monday = datetime(2027, 1, 4, 10)
        with freeze_time(monday):
            first = self._plan(self._units(["FS-PL-1"]), start=monday + timedelta(hours=4))
            last = self._plan(self._units(["FS-PL-2"]), start=monday + timedelta(days=6), technician=self.other_technician)
            self._plan(self._units(["FS-PL-3"]), start=monday + timedelta(days=7))
            self._plan(self._units(["FS-PL-4"]), start=monday + timedelta(days=1)).with_user(self.dispatcher).action_cancel()
            opened, facets = self._opened_list(
                "aftersales_field_service.action_aftersales_dispatch_order_planning", self.dispatcher
            )
        self.assertEqual(opened, first | last, "this week's open visits, not next week's nor a cancelled one")
        self.assertEqual(facets, [["This Week"], ["Open"]])
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_field_service.action_aftersales_dispatch_order_planning"
        )
        self.assertEqual(action["views"][0][1], "kanban")
        kanban = etree.fromstring(self.env["aftersales.dispatch.order"].get_view(action["views"][0][0], "kanban")["arch"])
        self.assertEqual((kanban.get("default_group_by"), kanban.get("default_order")), ("technician_id", "appointment_start"))
        self.assertTrue({"partner_id", "site_city", "service_type", "appointment_start"} <= set(kanban.xpath("//field/@name")))
        planning = first.with_context(**safe_eval(action["context"])).with_user(self.dispatcher)
        self.assertEqual(planning.display_name, f"{self.customer.name} · Zibo · Repair", "the calendar's title")
        self.assertEqual(first.display_name, first.name, "elsewhere, the visit's number")

    def test_the_site_address_reads_as_one_line(self):
        site = self.env["res.partner"].create({
            "name": "Plant 2", "parent_id": self.customer.id, "type": "other", "street": "8 Harbour Road", "city": "Zibo",
        })
        order = self.env["aftersales.dispatch.order"].with_user(self.dispatcher).create(
            {"partner_id": self.customer.id, "site_partner_id": site.id}
        )
        self.assertEqual(order.site_address, "8 Harbour Road, Zibo", "no empty address line between commas")
        self.assertEqual(order.site_map_url, "https://www.google.com/maps/search/?api=1&query=8+Harbour+Road,+Zibo",
                         "a tap opens the site on the phone's map")

    def test_a_visit_made_is_never_deleted(self):
        order = self._visit(self._plan(self._units(["FS-019"])))
        with self.assertRaisesRegex(UserError, "Only draft or cancelled"):
            order.with_user(self.dispatcher).unlink()

    def test_the_dispatch_order_prints_with_the_opinion_box_and_signature(self):
        order = self._visit(self._plan(self._units(["FS-020"])), parts=[(self.spare_part, 2)])
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales_field_service.action_report_dispatch_order", order.ids
        )[0].decode()
        self.assertIn(order.name, html)
        parts = etree.fromstring(html, etree.HTMLParser()).xpath("//div[contains(@class, 'o_aftersales_parts_used')]//tbody/tr")
        self.assertEqual([" ".join(" ".join(row.itertext()).split()) for row in parts],
                         [f"{self.spare_part.display_name} 2.00 Units"], "the parts used are listed")
        self.assertIn("Customer&#39;s opinion", html.replace("'", "&#39;"))
        self.assertIn("Worn winding", html)
        self.assertIn("data:image/png;base64", html)

    def test_plan_visit_copies_the_complaints_words_and_contact(self):
        unit = self._units(["FS-030"])
        with Form(self.env["aftersales.complaint"].with_user(self.coordinator)) as complaint_form:
            complaint_form.partner_id = self.customer
            complaint_form.contact_name = "Mr. Sun, maintenance"
            complaint_form.preferred_contact = "138 0013 8000, mornings"
            complaint_form.subject = "Motor hums"
            complaint_form.description = "<p>The motor hums loudly after <b>two hours</b> of running.</p>"
            complaint_form.delivery_record_id = unit
        complaint = complaint_form.record
        action = complaint.with_user(self.dispatcher).action_create_dispatch()
        with Form(self.env["aftersales.dispatch.order"].with_user(self.dispatcher).with_context(**action["context"])) as order_form:
            self.assertEqual(order_form.call_subject, "Motor hums\nThe motor hums loudly after *two hours* of running.")
            self.assertEqual((order_form.caller_name, order_form.contact_name, order_form.contact_phone),
                             ("Mr. Sun, maintenance", "Mr. Sun, maintenance", "138 0013 8000, mornings"))
            order_form.technician_id = self.technician
        order = order_form.record
        self.assertEqual((order.complaint_id, order.contact_phone, order.line_ids.delivery_record_id),
                         (complaint, "138 0013 8000, mornings", unit))
        bare = self.env["aftersales.complaint"].create({"partner_id": self.customer.id, "description": "<p>Noise</p>"})
        context = bare.with_user(self.dispatcher).action_create_dispatch()["context"]
        self.assertEqual((context["default_call_subject"], context["default_contact_name"]), ("Noise", False))

    def test_a_unit_that_came_back_for_good_is_not_visited(self):
        refunded, kept = self._units(["FS-031", "FS-032"])
        rma = self._new_rma(refunded.sale_order_id, refunded.lot_id)
        self._approve_and_receive(rma)
        planned = self._plan(refunded, service_type="inspection")
        self._inspect(rma, [{"cause": "transport"}])
        self._decide_and_process(rma, [{"decision": "refund"}])
        self.assertEqual(refunded.qty_with_customer, 0.0)
        offered = self._picker("aftersales.dispatch.line", "delivery_record_id", user=self.dispatcher,
                               partner_id=self.customer.id)
        self.assertIn(kept, offered)
        self.assertNotIn(refunded, offered, "the dispatcher's picker offers the units the customer still has")
        with self.assertRaisesRegex(ValidationError, "came back to us for good"):
            self._plan(refunded)
        self.assertEqual(planned.line_ids.delivery_record_id, refunded, "a visit planned before keeps its history")
        complaint = self.env["aftersales.complaint"].create({
            "partner_id": self.customer.id, "kind": "complaint", "delivery_record_id": refunded.id,
        })
        action = complaint.with_user(self.dispatcher).action_create_dispatch()
        self.assertEqual(action["context"]["default_line_ids"], [], "Plan Visit does not offer it either")
        self.assertNotIn(refunded, self._picker("aftersales.rma.line", "delivery_record_id", user=self.coordinator,
                                                partner_id=self.customer.id, product_id=self.motor.id))

    def test_the_dispatch_order_prints_in_the_language_of_its_reader(self):
        self._speak("zh_CN")
        order = self._visit(self._plan(self._units(["FS-033"])), parts=[(self.spare_part, 1)])
        self.customer.lang = "zh_CN"
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales_field_service.action_report_dispatch_order", order.ids
        )[0].decode()
        self.assertIn("维护派工单", html, "the maintenance dispatch order, in the customer's language")
        self.assertIn("故障现象", html)
        self.assertIn("使用的备件", html, "with the parts used")
        self.customer.lang = "en_US"
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales_field_service.action_report_dispatch_order", order.ids
        )[0].decode()
        self.assertIn("Maintenance Dispatch Order", html)

    def test_a_visit_is_planned_from_an_rma_or_a_return_visit(self):
        units = self._units(["FS-023", "FS-024"])
        rma = self._new_rma(units.sale_order_id[:1], units.lot_id)
        action = rma.with_user(self.dispatcher).action_plan_visit()
        order = self._save_action_form(action, self.env(user=self.dispatcher))
        self.assertEqual((order.origin, order.rma_id, order.service_type), ("rma", rma, "assessment"))
        self.assertEqual(order.line_ids.delivery_record_id, units)
        rma.with_user(self.manager).action_confirm()
        self._validate(rma.picking_ids)
        with self.assertRaisesRegex(UserError, "not possible while"):
            rma.with_user(self.dispatcher).action_plan_visit()
        visit = self.env["aftersales.return.visit"].create({
            "partner_id": self.customer.id, "rma_id": rma.id, "lot_id": units[0].lot_id.id,
            "product_id": units[0].product_id.id, "outcome": "The motor hums again",
        })
        order = self._save_action_form(visit.with_user(self.dispatcher).action_plan_visit(), self.env(user=self.dispatcher))
        self.assertEqual((order.origin, order.source_visit_id, order.call_subject), ("return_visit", visit, "The motor hums again"))
        self.assertEqual(order.line_ids.delivery_record_id, units[0])

    def test_an_override_covers_the_plan_it_was_given_for(self):
        unit = self._units(["FS-025"])
        self.other_technician.certificate_expiry = self.company._aftersales_today() - timedelta(days=1)
        order = self.env["aftersales.dispatch.order"].with_user(self.dispatcher).create({
            "partner_id": self.customer.id, "technician_id": self.other_technician.id,
            "appointment_start": self._tomorrow_at(9), "appointment_end": self._tomorrow_at(10),
            "line_ids": [(0, 0, {"delivery_record_id": unit.id})],
        })
        order.with_user(self.manager).override_reason = "Supervised by phone"
        self.env["aftersales.technician"].create({"user_id": self.coordinator.id, "certificate_expiry": False})
        order.with_user(self.dispatcher).appointment_end = self._tomorrow_at(11)
        self.assertFalse(order.override_reason or order.overridden_by_id, "a new plan needs a new override")
        with self.assertRaisesRegex(UserError, "cannot be dispatched"):
            order.with_user(self.dispatcher).action_schedule()
        self.assertFalse(order.copy().override_reason)

    def test_changing_the_units_asks_for_a_new_override(self):
        units = self._units(["FS-032", "FS-033", "FS-034"])
        self.other_technician.certificate_expiry = self.company._aftersales_today() - timedelta(days=1)
        order = self.env["aftersales.dispatch.order"].with_user(self.manager).create({
            "partner_id": self.customer.id, "technician_id": self.other_technician.id,
            "appointment_start": self._tomorrow_at(9), "appointment_end": self._tomorrow_at(10),
            "line_ids": [(0, 0, {"delivery_record_id": units[0].id})], "override_reason": "Supervised by phone",
        })
        self.assertEqual(order.overridden_by_id, self.manager, "given with its units, it covers them")
        Lines = self.env["aftersales.dispatch.line"].with_user(self.dispatcher)
        line = Lines.create({"order_id": order.id, "delivery_record_id": units[1].id})
        self.assertFalse(order.override_reason or order.overridden_by_id, "a unit added needs a new override")
        order.with_user(self.manager).override_reason = "Supervised by phone"
        line.delivery_record_id = units[2]
        self.assertFalse(order.override_reason, "a unit changed needs a new override")
        order.with_user(self.manager).override_reason = "Supervised by phone"
        line.unlink()
        self.assertFalse(order.override_reason, "a unit removed needs a new override")
        order.with_user(self.manager).write({
            "override_reason": "Two units, supervised", "line_ids": [(0, 0, {"delivery_record_id": units[1].id})],
        })
        self.assertEqual((order.override_reason, order.overridden_by_id), ("Two units, supervised", self.manager))
        order.with_user(self.dispatcher).action_schedule()

    def test_a_reschedule_keeps_the_technician_qualified(self):
        order = self._plan(self._units(["FS-026"]))
        self.technician.certificate_expiry = self.company._aftersales_today() + timedelta(days=3)
        with self.assertRaisesRegex(UserError, "certificate expired"):
            order.with_user(self.dispatcher)._reschedule(
                self._tomorrow_at(9) + timedelta(days=5), self._tomorrow_at(10) + timedelta(days=5), "Holiday"
            )

    def test_a_visit_without_a_fix_leaves_the_parts_in_the_van(self):
        order = self._visit(self._plan(self._units(["FS-027"])), parts=[(self.spare_part, 9)], outcome="waiting_parts")
        self.assertEqual(order.state, "done")
        self.assertEqual(order.line_ids.repair_id.state, "cancel")
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.spare_part, self.van), 5.0)

    def test_a_quoted_fee_is_fixed_and_a_collected_fee_covers_it(self):
        later = fields.Datetime.now() + timedelta(days=3 * 365)
        order = self._plan(self._units(["FS-028"]), call_date=later).with_user(self.tech_user)
        order.action_check_in()
        order.labour_hours = 1.0
        order.action_create_quotation()
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.labour_hours = 3.0
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.write({"fee_collected": 140.0, "fee_receipt_number": "R-9"})
        other = self._visit(self._plan(self._units(["FS-029"]), call_date=later), labour_hours=1.0,
                            fee_collected=50.0, fee_receipt_number="R-10")
        with self.assertRaisesRegex(UserError, r"50\.00 collected on site of a fee of .*140\.00"):
            other.with_user(self.dispatcher).action_close()
        self.assertEqual(other.amount_total, 140.0)
        self.env.ref("aftersales_service.product_repair_labour").list_price = 90.0
        self.assertEqual(other.amount_total, 140.0, "the fee told stays the fee kept")

    def test_a_technician_opens_the_repairs_of_their_own_visits_only(self):
        order = self._plan(self._units(["FS-030"])).with_user(self.tech_user)
        order.action_check_in()
        repair = self.env["repair.order"].browse(order.line_ids.action_repair_on_site()["res_id"])
        self.assertTrue(repair.with_user(self.tech_user).read(["name"]))
        with self.assertRaises(AccessError):
            repair.with_user(self.other_tech_user).read(["name"])
        self.assertTrue(repair.with_user(self.coordinator).read(["name"]))
        self.assertTrue(repair.with_user(self.stock_user).read(["name"]), "the warehouse sees every repair")

    def test_an_on_site_repair_works_in_the_warehouse_of_the_van(self):
        second = self.env["stock.warehouse"].create({"name": "North Depot", "code": "NTH"})
        van = self.env["stock.location"].create({
            "name": "Van 2", "usage": "internal", "location_id": second.view_location_id.id,
        })
        self.technician.van_location_id = van
        order = self._plan(self._units(["FS-031"])).with_user(self.tech_user)
        order.action_check_in()
        repair = self.env["repair.order"].browse(order.line_ids.action_repair_on_site()["res_id"])
        self.assertEqual(repair.picking_type_id, second.aftersales_onsite_repair_type_id)
        self.assertEqual((repair.location_id, repair.parts_location_id), (van, second.aftersales_defective_location_id))
