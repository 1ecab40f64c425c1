#!/bin/bash
# ns.sh DIR OUT : translate with NON_SPLITTING + QUERY_OFF + QUERYAXIOM_OFF, list open goals
cd $1 && JOPTS="-Dprops=QUERY_NEW_OPTIONS_KEY=QUERY_OFF,QUERYAXIOM_OPTIONS_KEY=QUERYAXIOM_OFF,QUANTIFIERS_OPTIONS_KEY=QUANTIFIERS_NON_SPLITTING" /tmp/k3/run.sh src 'Iotlb\.translate' $2 20 250000 2>&1 | grep -v progress | tail -1
python3 - $1/$2 <<'PY'
import re,sys
s=open(sys.argv[1]).read()
for p in s.split('---- goal ')[1:]:
    lines=p.split('\n'); br=lines[1]
    cuts=[x.strip() for x in br.split(' / ') if not x.strip().endswith('rules') and not x.strip().endswith('rule')]
    i=lines.index('==>'); txt='\n'.join(lines[i:])
    prog='PROG' if '\\<{' in txt else ''
    print('GOAL',lines[0], prog, ' | '.join(cuts[4:]))
PY
