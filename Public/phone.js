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
// A long list of branches (a committee's or county's code): type part of the name to narrow it.
(function () {
  ['branch', 'inflowOrgCode'].forEach(function (name) {
    document.querySelectorAll('select[name=' + name + ']').forEach(function (select) {
      if (select.options.length < 12) return;
      var filter = document.createElement('input');
      filter.type = 'search';
      filter.placeholder = '输入名称中的字查找';
      filter.setAttribute('aria-label', '查找');
      filter.className = 'filter';
      select.parentNode.insertBefore(filter, select);
      var all = Array.prototype.slice.call(select.options).map(function (o) { return { value: o.value, text: o.text }; });
      filter.addEventListener('input', function () {
        var q = filter.value.trim();
        var keep = select.value;
        select.innerHTML = '';
        all.forEach(function (o, i) {
          if (i === 0 || !q || o.text.indexOf(q) >= 0) {
            var opt = document.createElement('option');
            opt.value = o.value; opt.textContent = o.text;
            if (o.value === keep) opt.selected = true;
            select.appendChild(opt);
          }
        });
        if (select.options.length === 2) select.selectedIndex = 1;
      });
    });
  });
})();
