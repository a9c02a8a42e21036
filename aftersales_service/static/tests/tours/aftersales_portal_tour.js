import { registry } from "@web/core/registry";

// A photo as a customer's phone takes it: a 1×1 PNG.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

function attachPhoto(selector, name) {
    return {
        content: `Attach ${name}`,
        trigger: selector,
        run() {
            const input = document.querySelector(selector);
            const bytes = Uint8Array.from(atob(PNG), (char) => char.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/png" }));
            input.files = transfer.files;
            input.dispatchEvent(new Event("change", { bubbles: true }));
        },
    };
}

// test_portal_routes.py: a customer opens a unit of theirs and asks for its return, with a photo.
registry.category("web_tour.tours").add("aftersales_portal_rma_request", {
    steps: () => [
        {
            content: "Open the unit from My Units",
            trigger: ".o_aftersales_units a:text(YX-90 Motor)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_aftersales_warranty:contains(In warranty)",
        },
        {
            trigger: "a.o_aftersales_return_unit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The unit is ticked, its quantity proposed",
            trigger: ".o_aftersales_rma_new input[type=checkbox]:checked",
        },
        {
            trigger: "select[name=reason_id]",
            run: "selectByLabel Quality defect",
        },
        {
            trigger: "textarea[name=description]",
            run: "edit The motor stops after ten minutes.",
        },
        attachPhoto("input[name=photos]", "stopped.png"),
        {
            trigger: "button.o_aftersales_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The RMA page thanks the customer",
            trigger: ".o_aftersales_rma .alert-success:contains(we received your message)",
        },
        {
            trigger: ".o_aftersales_state:contains(Draft)",
        },
        {
            content: "The photo is shown through its signed link",
            trigger: ".o_aftersales_photos img[alt='stopped.png']",
        },
    ],
});

// test_portal_routes.py: a customer writes to us about one of their units.
registry.category("web_tour.tours").add("aftersales_portal_complaint", {
    steps: () => [
        {
            trigger: "a.o_aftersales_report_problem",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: "input[name=subject]",
            run: "edit Motor overheats",
        },
        {
            trigger: "select[name=dimension]",
            run: "selectByLabel Product Quality",
        },
        {
            trigger: "textarea[name=description]",
            run: "edit Hot after an hour at full load.",
        },
        {
            trigger: "input[name=preferred_contact]",
            run: "edit Mornings, ask for Wang Fang",
        },
        attachPhoto("input[name=photos]", "hot.png"),
        {
            trigger: "button.o_aftersales_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_aftersales_complaint .alert-success:contains(we received your message)",
        },
        {
            content: "We say when we answer",
            trigger: ".o_aftersales_deadlines:contains(We answer by)",
        },
    ],
});

// test_portal_routes.py: the customer confirms that our resolution solved the problem.
registry.category("web_tour.tours").add("aftersales_portal_confirm_resolution", {
    steps: () => [
        {
            trigger: ".o_aftersales_resolution:contains(Bearing replaced)",
        },
        {
            trigger: "input[name=note]",
            run: "edit Runs quietly now.",
        },
        {
            trigger: "button.o_aftersales_confirm",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".alert-success:contains(Thank you for your answer)",
        },
        {
            trigger: ".o_aftersales_state:contains(Closed)",
        },
        {
            content: "No answer is offered any more",
            trigger: ".o_aftersales_complaint:not(:has(.o_aftersales_respond))",
        },
    ],
});

// test_portal_routes.py: the yearly survey, answered on the portal or from the invitation e-mail's link.
registry.category("web_tour.tours").add("aftersales_portal_survey", {
    steps: () => [
        {
            content: "Very satisfied with every item",
            trigger: ".o_aftersales_survey tbody tr:first-child input[type=radio]",
            run() {
                for (const row of document.querySelectorAll(".o_aftersales_survey tbody tr")) {
                    row.querySelector("input[type=radio]").checked = true;
                }
            },
        },
        {
            trigger: "textarea[name=comments]",
            run: "edit Quick service this year.",
        },
        {
            trigger: "button.o_aftersales_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".alert-success:contains(Thank you for your answer)",
        },
        {
            content: "Answered: read-only",
            trigger: ".o_aftersales_survey_answered:contains(you answered this survey)",
        },
    ],
});

// On a phone (390×844) the page and its tables fit the screen's width: no sideways scrolling.
function fitsThePhone() {
    const page = document.scrollingElement;
    if (page.scrollWidth > window.innerWidth + 1) {
        throw new Error(`The page is ${page.scrollWidth}px wide on a ${window.innerWidth}px screen`);
    }
    for (const table of document.querySelectorAll(".table-responsive")) {
        if (table.scrollWidth > table.clientWidth + 1) {
            throw new Error(`A table scrolls sideways: ${table.querySelector("thead")?.textContent.trim()}`);
        }
    }
}

// test_portal_routes.py, on a phone: the customer reads where to send the unit of their approved RMA and gives
// the carrier and tracking number of the parcel, then writes to us about a unit picked from their units.
registry.category("web_tour.tours").add("aftersales_portal_phone_shipment_and_message", {
    steps: () => [
        {
            content: "Where to send the unit",
            trigger: ".o_aftersales_return_address:contains(1 Return Desk Road)",
            run: fitsThePhone,
        },
        {
            content: "The unit's serial shows in full",
            trigger: ".o_aftersales_serial:visible:contains(PR-1)",
        },
        {
            trigger: ".o_aftersales_shipment_form input[name=carrier]",
            run: "edit SF Express",
        },
        {
            trigger: ".o_aftersales_shipment_form input[name=tracking_ref]",
            run: "edit SF1234567890",
        },
        {
            trigger: ".o_aftersales_shipment_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page shows the parcel on its way",
            trigger: ".o_aftersales_shipment:contains(SF Express):contains(SF1234567890)",
            run: fitsThePhone,
        },
        {
            content: "Back to the account's home",
            trigger: ".o_portal_submenu a[href='/my/home']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_portal_docs a[href='/my/complaints']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Write to us",
            trigger: "a.o_aftersales_new_complaint",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The unit is picked by its product and serial",
            trigger: "select[name=record_id]",
            run: "selectByLabel YX-90 Motor / PR-2",
        },
        {
            trigger: "input[name=subject]",
            run: "edit Noisy bearing",
        },
        {
            trigger: "textarea[name=description]",
            run: "edit It rattles above 1,000 rpm.",
        },
        {
            trigger: "button.o_aftersales_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_aftersales_complaint .alert-success:contains(we received your message)",
            run: fitsThePhone,
        },
    ],
});
