#!/bin/bash
# The README's main job on the embedded default, the local lab: lab up, then install, start and
# status of inventories/lzy.yaml with the lab's ZooKeeper tarball. Needs root (the lab does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash test/lab/lab.sh up
tarball="$(bash test/lab/lab.sh env | sed -n 's/^ZKLAB_STATE=//p')/tarballs/zookeeper-3.8.0.tar.gz"
set -x
bin/zkdeploy install --inventory inventories/lzy.yaml --tarball "$tarball"
bin/zkdeploy start
bin/zkdeploy status
