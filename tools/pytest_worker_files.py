"""pytest plugin of tools/test: each pytest-xdist worker keeps its attachments' files in a data directory of its own.

pytest-odoo points every worker's copy of the database at the files of the suite's database. Odoo's test classes
collect the unreferenced files of that directory when they end, as their own database sees them: a class ending on
one worker deleted the file another worker had just written (a signature drawn in a tour, read back empty). Each
worker starts from hard links to the suite's files, so nothing is copied and nothing one worker collects is another's.
"""
import os
import shutil

import odoo.tools
from odoo.tests.common import get_db_name


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    shared = odoo.tools.config["data_dir"]
    own = f"{shared.rstrip(os.sep)}-{worker}"
    shutil.rmtree(own, ignore_errors=True)
    database = get_db_name()
    files = os.path.join(shared, "filestore", database)
    if os.path.isdir(files):
        shutil.copytree(files, os.path.join(own, "filestore", database), copy_function=os.link)
    odoo.tools.config["data_dir"] = own
    config.add_cleanup(lambda: shutil.rmtree(own, ignore_errors=True))
