"""Every server-rendered page of Accord, one module per part of the product.

Pages are shells: each resolves the caller's membership (a non-member gets
404, as in the API), renders a template from `templates/`, and hands its
script the ids and URLs it needs; the script reads and writes through the
REST API, which checks every call again.
"""
