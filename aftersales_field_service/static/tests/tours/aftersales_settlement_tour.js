import { registry } from "@web/core/registry";

// test_point_portal.py: the manager settles the month of a service point, prepared by the monthly job.
registry.category("web_tour.tours").add("aftersales_settlement_month", {
    steps: () => [
        {
            content: "The month's draft, prepared by the job",
            trigger: ".o_data_row td[name=point_id]:contains(Swift Wuhan)",
            run: "click",
        },
        {
            content: "Its visit, priced by the rate card",
            trigger: ".o_field_widget[name=line_ids] .o_data_row td[name=amount]:contains(289.00)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Confirm the vendor bill",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Confirmed)",
        },
        {
            trigger: ".o_field_widget[name=bill_id]",
        },
    ],
});
