#!/bin/bash
# The README's main job on the embedded default, the local lab: lab up, then install, start and
# status of inventories/lzy.yaml with the lab's build of the guide's ZooKeeper 3.4.9 (ZKLAB_RELEASE=3.8.0
# for the other release the lab builds). Needs root (the lab does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash test/lab/lab.sh up
tarball="$(bash test/lab/lab.sh env | sed -n 's/^ZKLAB_STATE=//p')/tarballs/zookeeper-${ZKLAB_RELEASE:-3.4.9}.tar.gz"
set -x
bin/zkdeploy install --inventory inventories/lzy.yaml --tarball "$tarball"
bin/zkdeploy start
bin/zkdeploy status
