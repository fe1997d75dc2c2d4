def _stub(request, *args, **kwargs):  # replaced by the views of issue 5
    raise NotImplementedError


adopt = _stub
agenda_item = _stub
agenda_pack = _stub
agenda_pack_pdf = _stub
attendance = _stub
decide = _stub
decide_conflict = _stub
meeting = _stub
meeting_create = _stub
meetings = _stub
minutes = _stub
minutes_pdf = _stub
put_on_agenda = _stub
send_pack = _stub
