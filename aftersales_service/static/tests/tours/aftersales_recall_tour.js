import { registry } from "@web/core/registry";

function stateIs(label) {
    return { content: `The recall is ${label}`, trigger: `.o_statusbar_status .o_arrow_button_current:contains(${label})` };
}

// test_recall_portal.py: a manager scopes a recall by a serial range, finds its units, approves it, tells the
// customers and makes the remedies.
registry.category("web_tour.tours").add("aftersales_recall_campaign", {
    steps: () => [
        {
            trigger: ".o_field_widget[name=title] input",
            run: "edit Fan guard may come loose",
        },
        {
            trigger: ".o_field_widget[name=product_ids] input",
            run: "edit YX-90 Motor",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(YX-90 Motor)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=product_ids] .o_tag:contains(YX-90 Motor)",
        },
        {
            content: "The serials as people write them",
            trigger: ".o_field_widget[name=serial_ranges] textarea",
            run: "edit RT-1-RT-3",
        },
        {
            trigger: ".o_field_widget[name=remedy] input",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Return for Repair)",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name]:contains(RCL/)",
        },
        {
            content: "Find the units the range reaches",
            trigger: ".o_statusbar_buttons button[name=action_find_units]",
            run: "click",
        },
        {
            content: "Three units at two customers",
            trigger: "button[name=action_view_units] .o_stat_value:contains(3)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_approve]",
            run: "click",
        },
        stateIs("Approved"),
        {
            content: "Tell the customers",
            trigger: ".o_statusbar_buttons button[name=action_notify]",
            run: "click",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        stateIs("In Progress"),
        {
            content: "One return per customer",
            trigger: ".o_statusbar_buttons button[name=action_create_remedies]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_buttons:not(:has(button[name=action_create_remedies]:contains(nothing)))",
        },
        {
            content: "The units wait for their returns",
            trigger: "button[name=action_view_units]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(RT-1) .o_field_badge:contains(Scheduled)",
        },
    ],
});

// test_recall_portal.py: the customer reads the notice from My Units and acknowledges it.
registry.category("web_tour.tours").add("aftersales_recall_acknowledge", {
    steps: () => [
        {
            content: "My Units warns of the recall",
            trigger: ".o_aftersales_recall_notice a:contains(Read the notice)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_aftersales_recall:contains(RT-2)",
        },
        {
            trigger: "button.o_aftersales_recall_acknowledge",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_aftersales_recall .alert-success:contains(we know you received this notice)",
        },
    ],
});
