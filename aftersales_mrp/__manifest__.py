{
    "name": "After-Sales Service: Manufacturing",
    "version": "19.0.1.0.0",
    "category": "Services/After-Sales",
    "summary": "Recalls find the finished serials built with a faulty component lot",
    "author": "aftersales_service developers",
    "license": "LGPL-3",
    "depends": ["aftersales_service", "mrp"],
    "data": ["views/aftersales_recall_views.xml"],
    "auto_install": True,
}
