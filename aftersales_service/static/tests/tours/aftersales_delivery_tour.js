import { registry } from "@web/core/registry";

// From anywhere in the back office: the After-Sales app, then Deliveries > Warranty Check.
function openWarrantyCheck() {
    return [
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
    ];
}

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
        ...openWarrantyCheck(),
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

// The records come from the Python test (test_tours.py): a motor delivered to Acme Motors Ltd and a bearing kit
// lot delivered to East Coast Distribution.
registry.category("web_tour.tours").add("aftersales_warranty_check_each_serial", {
    steps: () => [
        ...openWarrantyCheck(),
        {
            content: "Type the motor's serial as it comes, in lower case with a space",
            trigger: ".modal .o_field_widget[name=lot_name] input",
            run: "fill tour-wc-1 ",
        },
        {
            content: "The motor is found: in warranty, its customer and product filled in",
            trigger: ".modal .alert-success:contains(Acme Motors Ltd)",
        },
        {
            trigger: ".modal .o_field_widget[name=partner_id] input:value(Acme Motors Ltd)",
        },
        {
            trigger: ".modal .o_field_widget[name=product_id] input:value(YX-90 Motor)",
        },
        {
            content: "Type the next serial: the bearing kit lot delivered to the distributor",
            trigger: ".modal .o_field_widget[name=lot_name] input",
            run: "edit TOUR-WC-LOT",
        },
        {
            content: "A new question: the bearing kit's own answer, not 'not our product'",
            trigger: ".modal .alert-success:contains(East Coast Distribution)",
        },
        {
            trigger: ".modal:not(:has(.alert-danger))",
        },
        {
            trigger: ".modal .o_field_widget[name=partner_id] input:value(East Coast Distribution)",
        },
        {
            trigger: ".modal .o_field_widget[name=product_id] input:value(Bearing Kit)",
        },
        {
            content: "Close the check: it records nothing",
            trigger: ".modal .modal-footer button:contains(Close)",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});
