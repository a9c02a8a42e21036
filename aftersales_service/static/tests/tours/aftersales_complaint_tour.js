import { registry } from "@web/core/registry";

function stateIs(label) {
    return { content: `The complaint is ${label}`, trigger: `.o_statusbar_status .o_arrow_button_current:contains(${label})` };
}

// The escalation manager sees the breached complaint prepared by test_tours.py, then a coordinator's
// whole complaint path: typed in, acknowledged, investigated with a corrective action, resolved, closed.
registry.category("web_tour.tours").add("aftersales_complaint_handling", {
    url: "/odoo",
    steps: () => [
        {
            content: "The escalation reached the manager's activities",
            trigger: ".o-mail-ActivityMenu-counter",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityGroup:contains(Customer Complaint and Feedback)",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains(East Coast Distribution)",
        },
        {
            content: "Type in a new complaint",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app:contains(After-Sales)",
            run: "click",
        },
        {
            content: "The app opens on its overview: late repairs are a click away",
            trigger: ".o_aftersales_overview .o_aftersales_tile[data-tile=late_repairs]",
            run: "click",
        },
        {
            content: "The tile's filter is a facet of the search; an empty list explains itself, not in raw HTML",
            trigger: ".o_searchview_facet:contains(Late Repairs)",
        },
        {
            trigger: ".o_content:not(:has(.o_view_nocontent:contains('<p')))",
        },
        {
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "The breached complaint is a click away",
            trigger: ".o_aftersales_overview .o_aftersales_tile[data-tile=breached]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(East Coast Distribution)",
        },
        {
            content: "Removing the tile's facet shows the other complaints",
            trigger: ".o_searchview_facet:contains(Complaints Breached) .o_facet_remove",
            run: "click",
        },
        {
            trigger: ".o_control_panel:not(:has(.o_searchview_facet:contains(Complaints Breached)))",
        },
        {
            trigger: ".o_menu_sections button:contains(Feedback)",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains(Complaints)",
            run: "click",
        },
        {
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Acme Motors",
        },
        {
            trigger: ".ui-menu-item > a:contains(Acme Motors Ltd)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=contact_name] input",
            run: "edit Li Wei",
        },
        {
            content: "Acknowledge: saved and answered",
            trigger: ".o_statusbar_buttons button[name=action_acknowledge]",
            run: "click",
        },
        stateIs("Acknowledged"),
        {
            trigger: ".o_form_view .o_field_widget[name=name]:contains(CPL/)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_investigate]",
            run: "click",
        },
        stateIs("Investigating"),
        {
            trigger: ".o_notebook .nav-link:contains(Investigation)",
            run: "click",
        },
        {
            content: "Caused by our production",
            trigger: ".o_field_widget[name=responsibility] input",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Our Department)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=department_id] input",
            run: "edit Production",
        },
        {
            trigger: ".ui-menu-item > a:contains(Production)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=verified] input",
            run: "click",
        },
        {
            content: "Record the corrective action",
            trigger: ".o_field_widget[name=action_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=action_ids] .o_data_row .o_field_widget[name=name] input",
            run: "edit Balance every rotor of batch 12",
        },
        {
            trigger: ".o_field_widget[name=action_ids] .o_data_row .o_field_widget[name=date_deadline] input",
            run: "edit 12/31/2030",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Resolution)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=resolution] .odoo-editor-editable",
            run: "editor Rotor balanced on site, the customer runs again.",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_resolve]",
            run: "click",
        },
        stateIs("Resolved"),
        {
            content: "Close with the customer's confirmation",
            trigger: ".o_statusbar_buttons button[name=action_close]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=confirmed_by] input",
            run: "edit Li Wei",
        },
        {
            trigger: ".modal button[name=action_close]",
            run: "click",
        },
        stateIs("Closed"),
    ],
});
