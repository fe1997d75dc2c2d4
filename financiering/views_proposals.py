def _stub(request, *args, **kwargs):  # replaced by the views of issue 5
    raise NotImplementedError


assign_reviewer = _stub
attachment = _stub
attachment_add = _stub
attachment_delete = _stub
budget = _stub
check = _stub
decide_conflict = _stub
declare_conflict = _stub
final_report = _stub
fund_detail = _stub
fund_edit = _stub
fund_year = _stub
funds = _stub
move = _stub
proposal = _stub
proposal_cofinancing = _stub
proposal_create = _stub
proposal_edit = _stub
proposal_lines = _stub
proposal_parties = _stub
proposals = _stub
public_grant = _stub
public_grants = _stub
review = _stub
submit = _stub
unassign_reviewer = _stub
