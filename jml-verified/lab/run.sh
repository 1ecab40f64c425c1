#!/bin/bash
# run.sh SRCDIR REGEX OUT [maxGoals] [maxSteps]
CP=$(cat /tmp/k3/cp.txt):/work/main/jml-verified/target/classes:/tmp/k3/drv
exec java -Xmx3g $JOPTS -cp "$CP" Drv "$@"
