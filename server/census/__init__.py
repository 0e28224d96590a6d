"""The statutory returns: the Children in Need census and Ofsted's Annex A.

``collect`` reads each child's statutory data a batch at a time through a
registry of sources (one per kind of record the returns draw on); ``rules``
checks it against the Department's validation rules that apply to what is
held; ``cin_xml`` writes and validates the census XML; ``annex_a`` the
spreadsheet.
"""
