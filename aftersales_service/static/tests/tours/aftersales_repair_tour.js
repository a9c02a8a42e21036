import { registry } from "@web/core/registry";

// An RMA decided for a paid repair (test_tours.py): the technician adds the part used and ends the
// repair; the customer's invoice follows.
registry.category("web_tour.tours").add("aftersales_repair_charged", {
    steps: () => [
        {
            content: "Open the RMA's repair",
            trigger: ".oe_stat_button[name=action_view_repairs]",
            run: "click",
        },
        {
            content: "Add the part used",
            trigger: ".o_field_widget[name=move_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=move_ids] .o_data_row .o_field_widget[name=product_id] input",
            run: "edit Winding Kit",
        },
        {
            trigger: ".ui-menu-item > a:contains(Winding Kit)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=move_ids] .o_data_row .o_field_widget[name=product_uom_qty] input",
            run: "edit 2",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_repair_start]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Under Repair)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_repair_end]:not([confirm])",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Repaired)",
        },
        {
            content: "Back to the RMA: the repair is invoiced",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(RMA/)",
            run: "click",
        },
        {
            trigger: ".oe_stat_button[name=action_view_invoices]",
        },
    ],
});
