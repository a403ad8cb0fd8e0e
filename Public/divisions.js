// Province → city → county pickers for every <input data-division>; the input keeps the chosen 6-digit code.
// Without JavaScript the plain input still works.
(function () {
  function load(parent) {
    return fetch('/api/v1/divisions' + (parent ? '?parent=' + parent : ''), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : []; });
  }
  function fill(select, items, placeholder, chosen) {
    select.innerHTML = '';
    var first = document.createElement('option');
    first.value = ''; first.textContent = placeholder;
    select.appendChild(first);
    items.forEach(function (d) {
      var o = document.createElement('option');
      o.value = d.code; o.textContent = d.name;
      if (d.code === chosen) o.selected = true;
      select.appendChild(o);
    });
    select.disabled = items.length === 0;
  }
  function setup(input) {
    var code = (input.value || '').trim();
    var wanted = code.length === 6 ? [code.slice(0, 2) + '0000', code.slice(0, 4) + '00', code] : [];
    var box = document.createElement('div');
    box.className = 'cascade';
    var names = ['省（自治区、直辖市）', '市（地区、盟）', '县（区、旗）'];
    var selects = names.map(function (n) {
      var s = document.createElement('select');
      s.setAttribute('aria-label', n);
      box.appendChild(s);
      return s;
    });
    input.type = 'hidden';
    input.parentNode.insertBefore(box, input.nextSibling);
    function choose(level) {
      var value = selects[level].value;
      for (var i = level + 1; i < 3; i++) fill(selects[i], [], names[i], '');
      var deepest = '';
      for (var j = 0; j < 3; j++) if (selects[j].value) deepest = selects[j].value;
      input.value = deepest;
      if (value && level < 2) {
        return load(value).then(function (items) { fill(selects[level + 1], items, names[level + 1], wanted[level + 1]); });
      }
      return Promise.resolve();
    }
    selects.forEach(function (s, i) { s.addEventListener('change', function () { wanted = []; choose(i); }); });
    load('').then(function (items) {
      fill(selects[0], items, names[0], wanted[0]);
      fill(selects[1], [], names[1], ''); fill(selects[2], [], names[2], '');
      if (!wanted[0]) return;
      return load(wanted[0]).then(function (cities) {
        fill(selects[1], cities, names[1], wanted[1]);
        if (!selects[1].value) return;
        return load(selects[1].value).then(function (counties) { fill(selects[2], counties, names[2], wanted[2]); });
      });
    });
  }
  document.querySelectorAll('input[data-division]').forEach(setup);
})();
