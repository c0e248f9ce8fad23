"""The site search page (/search/): what each app contributes comes from the
``register_site_search_kind`` hook (see ``search.kinds``)."""
