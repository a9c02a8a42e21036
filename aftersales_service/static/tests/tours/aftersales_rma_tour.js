import { registry } from "@web/core/registry";

function stateIs(label) {
    return { content: `The document is ${label}`, trigger: `.o_statusbar_status .o_arrow_button_current:contains(${label})` };
}

// From a delivered, invoiced unit (test_tours.py) to its refund: the coordinator's whole RMA path.
registry.category("web_tour.tours").add("aftersales_rma_refund", {
    steps: () => [
        {
            content: "Start an RMA from the delivery record",
            trigger: ".o_statusbar_buttons button[name=action_create_rma]",
            run: "click",
        },
        {
            content: "The new RMA proposes the unit",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains(TOUR-RMA-1)",
        },
        {
            content: "Save it: now it takes its number",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name]:contains(RMA/)",
        },
        {
            content: "A draft RMA may be deleted: its menu offers Delete",
            trigger: ".o_form_view .o_cp_action_menus .o-dropdown",
            run: "click",
        },
        {
            trigger: ".o_popover .o-dropdown-item:contains(Delete)",
        },
        {
            trigger: ".o_form_view .o_cp_action_menus .o-dropdown",
            run: "click",
        },
        {
            trigger: "body:not(:has(.o_popover .o-dropdown-item))",
        },
        {
            content: "Approve",
            trigger: ".o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        stateIs("Approved"),
        {
            content: "The unit arrives at the service desk: receive it on the RMA",
            trigger: ".o_statusbar_buttons button[name=action_receive]",
            run: "click",
        },
        {
            content: "A serial the RMA does not wait for is refused",
            trigger: ".modal .o_field_widget[name=serial] input",
            run: "edit TOUR-RMA-2 && press Enter",
        },
        {
            trigger: ".modal:contains(not one of the units this RMA waits for) .modal-footer button",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal:contains(not one of the units)))",
        },
        {
            content: "The unit's own serial, typed as it comes",
            trigger: ".modal .o_field_widget[name=serial] input",
            run: "edit  tour-rma-1  && press Enter",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(TOUR-RMA-1) td[name=quantity]:contains(1.00)",
        },
        {
            trigger: ".modal .modal-footer button[name=action_receive]",
            run: "click",
        },
        stateIs("Received"),
        {
            content: "Inspect the unit",
            trigger: ".o_field_widget[name=line_ids] .o_data_row td.o_data_cell[name=product_id]",
            run: "click",
        },
        {
            content: "Dimensions out of the contract's specification",
            trigger: ".modal .o_field_widget[name=cause] input",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Specification Non-Conformity)",
            run: "click",
        },
        {
            content: "The rules allow a refund and propose it",
            trigger: ".modal .o_field_widget[name=proposed_decision]:contains(Refund)",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_inspection_done]",
            run: "click",
        },
        stateIs("Inspected"),
        {
            content: "Confirm the decision",
            trigger: ".o_statusbar_buttons button[name=action_decide]",
            run: "click",
        },
        stateIs("Decided"),
        {
            content: "Process: the credit note is posted",
            trigger: ".o_statusbar_buttons button[name=action_process]",
            run: "click",
        },
        {
            trigger: ".oe_stat_button[name=action_view_credit_notes]",
        },
        {
            content: "A done RMA is a record kept: its menu offers no Delete",
            trigger: ".o_form_view .o_cp_action_menus .o-dropdown",
            run: "click",
        },
        {
            trigger: ".o_popover:has(.o-dropdown-item:contains(Duplicate)):not(:has(.o-dropdown-item:contains(Delete)))",
        },
    ],
});
