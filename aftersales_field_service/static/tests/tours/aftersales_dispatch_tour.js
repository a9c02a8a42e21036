import { registry } from "@web/core/registry";

// test_dispatch_tours.py: the dispatcher plans a visit from a complaint waiting for us on site.
registry.category("web_tour.tours").add("aftersales_dispatch_plan", {
    steps: () => [
        {
            trigger: ".o_statusbar_buttons button[name=action_create_dispatch]",
            run: "click",
        },
        {
            content: "The customer's unit comes with its warranty",
            trigger: ".o_field_widget[name=line_ids] .o_data_row td[name=warranty_state]:contains(In Warranty)",
        },
        {
            trigger: ".o_field_widget[name=technician_id] input",
            run: "edit as_technician",
        },
        {
            trigger: ".ui-menu-item > a:contains(as_technician)",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_schedule]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_dispatch]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Dispatched)",
        },
    ],
});

// test_dispatch_tours.py: the technician checks in, repairs with a part of the van, reports, and the customer
// signs on the tablet before the check-out.
registry.category("web_tour.tours").add("aftersales_dispatch_visit", {
    steps: () => [
        {
            content: "The site's address opens on a map",
            trigger: ".o_field_widget[name=site_map_url] a[href^='https://www.google.com/maps/search/']",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_check_in]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(On Site)",
        },
        {
            content: "The work timer starts",
            trigger: ".o_statusbar_buttons button[name=action_timer_start]",
            run: "click",
        },
        {
            content: "and stops: its time goes to the labour hours",
            trigger: ".o_statusbar_buttons button[name=action_timer_stop]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_timer_start]",
        },
        {
            content: "Repair the unit where it is",
            trigger: ".o_field_widget[name=line_ids] .o_data_row button[name=action_repair_on_site]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=move_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=move_ids] .o_data_row .o_field_widget[name=product_id] input",
            run: "edit Winding Kit",
        },
        {
            content: "The van's parts come first, with what the van holds",
            trigger: ".ui-menu-item:first-child > a:contains('Winding Kit (5 in the van)')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=move_ids] .o_data_row .o_field_widget[name=product_uom_qty] input",
            run: "edit 1",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Back to the visit",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(DSP/)",
            run: "click",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Work Report)",
            run: "click",
        },
        {
            content: "The parts in the van are shown under their heading",
            trigger: ".o_form_view .o_horizontal_separator:contains(Parts in the Van)",
        },
        {
            trigger: ".o_field_widget[name=van_quant_ids] .o_data_row:contains(Winding Kit)",
        },
        {
            trigger: ".o_field_widget[name=fault_found] textarea",
            run: "edit Winding burnt",
        },
        {
            trigger: ".o_field_widget[name=work_done] textarea",
            run: "edit Winding replaced, motor run for an hour",
        },
        {
            trigger: ".o_field_widget[name=outcome] input",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Fixed on Site)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=outcome] input:value(Fixed on Site)",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Sign-Off)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=signed_by] input",
            run: "edit Li Wei",
        },
        {
            content: "The customer signs on the tablet",
            trigger: ".o_field_widget[name=signature] .o_signature",
            run: "click",
        },
        {
            content: "Signed with the signer's name",
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            trigger: ".modal .modal-footer .btn-primary:contains(Adopt):enabled",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=satisfaction_level_id] input",
            run: "edit Very",
        },
        {
            trigger: ".ui-menu-item > a:contains(Very Satisfied)",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_check_out]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
    ],
});

// test_dispatch_portal.py: the customer confirms the appointment of their visit.
registry.category("web_tour.tours").add("aftersales_portal_visit_confirm", {
    steps: () => [
        {
            trigger: "a:contains(DSP/)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_aftersales_appointment:contains(as_technician)",
        },
        {
            trigger: "button.o_aftersales_visit_confirm",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_aftersales_confirmed",
        },
    ],
});

// test_dispatch_portal.py: while the technician is there, the customer signs the order and gives an opinion.
registry.category("web_tour.tours").add("aftersales_portal_visit_sign", {
    steps: () => [
        {
            trigger: ".o_aftersales_visit_sign .o_web_sign_name_and_signature input",
            run: "edit Wang Fang",
        },
        {
            trigger: ".o_aftersales_visit_sign canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            trigger: ".o_aftersales_visit_sign .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".alert-success:contains(the order is signed)",
        },
        {
            trigger: ".o_aftersales_visit_opinion select[name=level_id]",
            run: "selectByLabel Very Satisfied",
        },
        {
            trigger: ".o_aftersales_visit_opinion textarea[name=comment]",
            run: "edit On time and tidy",
        },
        {
            trigger: "button.o_aftersales_visit_opinion_send",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".alert-success:contains(Thank you for your answer)",
        },
    ],
});
