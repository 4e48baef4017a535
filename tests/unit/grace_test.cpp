// The grace rule on its own: a loss arms a timer with a generation, a
// return makes every running timer stale, only the latest timer of a member
// still gone lets its holdings move.
#include <doctest/doctest.h>

#include "core/grace.hpp"

using namespace drover;

TEST_SUITE("grace") {

TEST_CASE("a member gone past its grace: the timer of that loss expires it") {
  grace_period g;
  CHECK_FALSE(g.lost());
  auto gen = g.lose();
  CHECK(g.lost());
  CHECK(g.expired(gen));
}

TEST_CASE("back within the grace: the running timer is stale") {
  grace_period g;
  auto gen = g.lose();
  g.back();
  CHECK_FALSE(g.lost());
  CHECK_FALSE(g.current(gen));
  CHECK_FALSE(g.expired(gen));
}

TEST_CASE("lost, back, lost again: only the second loss's timer counts") {
  grace_period g;
  auto first = g.lose();
  g.back();
  auto second = g.lose();
  CHECK_FALSE(g.expired(first)); // it fires during the second grace: ignored
  CHECK(g.expired(second));
}

TEST_CASE("a rearmed grace for a present member is current but not expired") {
  grace_period g;
  auto gen = g.lose();
  g.back();
  auto doubt = g.rearm(); // back, but its lease report has not come yet
  CHECK_FALSE(g.current(gen));
  CHECK(g.current(doubt));
  CHECK_FALSE(g.expired(doubt)); // present: the caller decides what a doubt timer does
}

TEST_CASE("generations survive a copy: a new incarnation never matches an old timer") {
  grace_period g;
  auto old_timer = g.lose();
  auto kept = g; // the entry is reset for a new process, its grace carried over
  kept.back();
  CHECK_FALSE(kept.current(old_timer));
}

}
