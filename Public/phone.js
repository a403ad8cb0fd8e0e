// Shows the fields of the chosen report kind; the server validates everything again.
(function () {
  var form = document.getElementById('report');
  if (!form) return;
  function kind() {
    var c = form.querySelector('input[name=kind]:checked');
    return c ? c.value : 'outflow';
  }
  function update() {
    var k = kind();
    form.querySelectorAll('[data-kinds]').forEach(function (el) {
      var on = el.getAttribute('data-kinds').split(' ').indexOf(k) >= 0;
      el.hidden = !on;
      el.querySelectorAll('input, select').forEach(function (i) { i.disabled = !on; });
    });
    // Two selects share the name inflowOrgCode: only the one that applies is sent.
    var joined = form.querySelector('input[name=joined]');
    var joinedSelect = form.querySelector('select[data-joined]');
    if (joinedSelect) joinedSelect.disabled = k !== 'outflow' || !(joined && joined.checked);
    var arrival = form.querySelector('select[data-arrival]');
    if (arrival) arrival.disabled = k !== 'arrival';
  }
  form.addEventListener('change', update);
  update();
  var err = document.querySelector('.err');
  if (err) err.scrollIntoView({ block: 'center' });
})();
