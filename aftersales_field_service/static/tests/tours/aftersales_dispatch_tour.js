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
            content: "The picker says who cannot go, before choosing",
            trigger: ".ui-menu-item > a:contains(as_technician_2):contains(certificate expired or missing)",
        },
        {
            content: "Choose the qualified one: only it is left in the list",
            trigger: ".o_field_widget[name=technician_id] input",
            run: "edit as_technician (",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu:not(:has(a:contains(as_technician_2))) .ui-menu-item > a:contains('as_technician (')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=technician_id] input:value('as_technician (aftersales_field_service.group_aftersales_technician)')",
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
        {
            content: "The week's planning",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app[data-menu-xmlid='aftersales_field_service.menu_aftersales_field_service_root']",
            run: "click",
        },
        {
            trigger: ".o_menu_sections [data-menu-xmlid='aftersales_field_service.menu_aftersales_field_service_planning']",
            run: "click",
        },
        {
            content: "Its filter is named and removable",
            trigger: ".o_searchview_facet:contains(This Week) .o_facet_remove",
            run: "click",
        },
        {
            content: "The visit is a card in its technician's column: when, customer, city, service",
            trigger: ".o_aftersales_planning .o_kanban_group:has(.o_column_title:contains(as_technician (aftersales)) .o_kanban_record:contains(Zibo):contains(Repair):contains(Acme)",
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

// On a phone (390×844), the technician's visit fits the screen's width: no sideways scrolling.
function fitsThePhone() {
    const page = document.querySelector(".o_action_manager");
    if (page.scrollWidth > window.innerWidth + 1) {
        throw new Error(`The visit is ${page.scrollWidth}px wide on a ${window.innerWidth}px screen`);
    }
    for (const list of document.querySelectorAll(".o_form_view .o_field_x2many .o_list_renderer")) {
        if (list.scrollWidth > list.clientWidth + 1) {
            throw new Error(`A list of the visit scrolls sideways: ${list.closest(".o_field_widget").getAttribute("name")}`);
        }
    }
}

// test_dispatch_tours.py: the technician's visit on a phone: check in, timer, a repair with a van part, the report
// where the check-out says it is, the signature, the check-out.
registry.category("web_tour.tours").add("aftersales_dispatch_visit_phone", {
    steps: () => [
        {
            content: "Check In is the one button shown",
            trigger: ".o_statusbar_buttons > button[name=action_check_in]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_buttons > button[name=action_check_out]",
            run: fitsThePhone,
        },
        {
            content: "The timer waits under More",
            trigger: ".o_statusbar_buttons button[title=More]",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu button[name=action_timer_start]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=timer_start]:not(:empty), .o_statusbar_buttons > button[name=action_check_out]",
        },
        {
            content: "The unit is a card with its repair button",
            trigger: ".o_field_widget[name=line_ids] .o_kanban_record button[name=action_repair_on_site]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=move_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=move_ids] .o_data_row .o_field_widget[name=product_id] input",
            run: "click",
        },
        {
            content: "The picker is a list of cards, the van's part first, with what the van holds",
            trigger: ".modal .o_kanban_record:first:contains(Winding Kit) .o_aftersales_van_quantity:contains(5)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=move_ids] .o_data_row .o_field_widget[name=product_id] input:value('Winding Kit (5 in the van)')",
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
            trigger: ".o_back_button",
            run: "click",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Work Report)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=fault_found] textarea",
            run: "edit Winding burnt",
        },
        {
            content: "The outcome sits on the Work Report tab, as the check-out says",
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name=outcome] input",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Fixed on Site)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=outcome] input:value(Fixed on Site)",
            run: fitsThePhone,
        },
        {
            content: "The repair's checklist, one card per check",
            trigger: ".o_notebook .nav-link:contains(Checklist)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=check_ids] .o_kanban_record:contains(Fault reproduced)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=result] .btn:contains(Passed)",
            run: "click",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=check_ids] .o_kanban_record:contains(Fault reproduced):contains(Passed)",
            run: fitsThePhone,
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
            trigger: ".o_field_widget[name=signature] .o_signature",
            run: "click",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            trigger: ".modal .modal-footer .btn-primary:contains(Adopt):enabled",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
            run: fitsThePhone,
        },
        {
            trigger: ".o_statusbar_buttons > button[name=action_check_out]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status:contains(Done)",
        },
    ],
});
