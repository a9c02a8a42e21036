import { registry } from "@web/core/registry";

// The records come from the Python test (test_tours.py): an order of two serial-tracked motors,
// reserved and ready to leave.
registry.category("web_tour.tours").add("aftersales_delivery_and_serial_lookup", {
    steps: () => [
        {
            content: "Validate the delivery of the order",
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            content: "The delivery is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
        {
            content: "Its units have delivery records",
            trigger: ".oe_stat_button[name=action_view_aftersales_deliveries]:contains(2)",
            run: "click",
        },
        {
            content: "Both serials are listed",
            trigger: ".o_list_view .o_data_row:contains(TOUR-SN-2)",
        },
        {
            content: "Go to the After-Sales app",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app:contains(After-Sales)",
            run: "click",
        },
        {
            content: "Open the warranty check",
            trigger: ".o_menu_sections button:contains(Deliveries)",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains(Warranty Check)",
            run: "click",
        },
        {
            content: "Type the serial without leaving the field",
            trigger: ".modal .o_field_widget[name=lot_name] input",
            run: "fill TOUR-SN-1",
        },
        {
            content: "The answer comes while typing, customer and product filled",
            trigger: ".modal .alert-success:contains(In warranty)",
        },
        {
            trigger: ".modal .o_field_widget[name=partner_id] input:value(Acme Motors Ltd)",
        },
        {
            trigger: ".modal .o_field_widget[name=product_id] input:value(YX-90 Motor)",
        },
        {
            content: "Open the delivery record behind the answer",
            trigger: ".modal button[name=action_open_record]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=lot_id]:contains(TOUR-SN-1)",
        },
    ],
});
