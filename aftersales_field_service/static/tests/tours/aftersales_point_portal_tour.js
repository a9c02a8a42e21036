import { registry } from "@web/core/registry";

// test_point_portal.py: a point's technician does a visit on the portal: opens it from their list, confirms the
// appointment agreed with the customer, checks in, writes the report, has the customer sign on the tablet and
// checks out.
registry.category("web_tour.tours").add("aftersales_point_portal_visit", {
    steps: () => [
        {
            trigger: "a:contains(DSP/)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The visit says whom the technician goes to",
            trigger: ".o_aftersales_point_customer:contains(Acme Motors Ltd)",
        },
        {
            trigger: "button.o_aftersales_point_confirm",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_aftersales_confirmed",
        },
        {
            trigger: "button.o_aftersales_point_check_in",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_aftersales_state:contains(On Site)",
        },
        {
            trigger: ".o_aftersales_point_report textarea[name=fault_found]",
            run: "edit Bearing worn",
        },
        {
            trigger: ".o_aftersales_point_report textarea[name=work_done]",
            run: "edit Bearing replaced, motor run for an hour",
        },
        {
            trigger: ".o_aftersales_point_report select[name=outcome]",
            run: "selectByLabel Fixed on Site",
        },
        {
            trigger: ".o_aftersales_point_report input[name=labour_hours]",
            run: "edit 1.5",
        },
        {
            trigger: ".o_aftersales_point_report input[name=travel_distance]",
            run: "edit 42",
        },
        {
            trigger: ".o_aftersales_point_report input[name=signed_by]",
            run: "edit Li Wei",
        },
        {
            trigger: "button.o_aftersales_point_report_save",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".alert-success:contains(The work report is saved)",
        },
        {
            content: "The customer signs on the technician's tablet, under the name the report gives",
            trigger: ".o_aftersales_point_sign .o_web_sign_name_and_signature input:value(Li Wei)",
        },
        {
            trigger: ".o_aftersales_point_sign canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            trigger: ".o_aftersales_point_sign .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".alert-success:contains(The customer signed the order)",
        },
        {
            trigger: "button.o_aftersales_point_check_out",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_aftersales_state:contains(Done)",
        },
    ],
});
