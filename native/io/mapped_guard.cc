#include "mapped_guard.h"

#include <csetjmp>
#include <csignal>
#include <cstring>
#include <mutex>
#include <pthread.h>

namespace tessera {

namespace {

struct Guard {
  sigjmp_buf env;
  const MappedRange* ranges;
  size_t count;
  volatile int hit;
};

// Set only while this thread is inside guarded_read(). Touched by the thread itself before any
// fault can happen, so the handler never allocates this thread's TLS block.
thread_local Guard* volatile tls_guard = nullptr;

struct sigaction previous_action;
std::once_flag installed;

void chain(int sig, siginfo_t* info, void* ctx) {
  const struct sigaction& p = previous_action;
  if ((p.sa_flags & SA_SIGINFO) && p.sa_sigaction) {
    p.sa_sigaction(sig, info, ctx);
    return;
  }
  if (p.sa_handler != SIG_DFL && p.sa_handler != SIG_IGN) {
    p.sa_handler(sig);
    return;
  }
  // Default (or ignored, which for a fault means default): put it back and return; the faulting
  // read runs again and the kernel ends the process as if no handler had been installed.
  sigaction(sig, &p, nullptr);
  if (p.sa_handler == SIG_IGN) signal(sig, SIG_DFL);
}

void on_sigbus(int sig, siginfo_t* info, void* ctx) {
  Guard* g = tls_guard;
  if (g && info) {
    const uint8_t* a = static_cast<const uint8_t*>(info->si_addr);
    for (size_t i = 0; i < g->count; ++i) {
      const MappedRange& r = g->ranges[i];
      if (a >= r.begin && a < r.begin + r.size) {
        g->hit = static_cast<int>(i);
        siglongjmp(g->env, 1);
      }
    }
  }
  chain(sig, info, ctx);
}

}  // namespace

void install_sigbus_handler() {
  std::call_once(installed, [] {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGBUS, &sa, &previous_action);
  });
}

int guarded_read(void (*fn)(void*), void* arg, const MappedRange* ranges, size_t count) {
  install_sigbus_handler();
  Guard g;
  g.ranges = ranges;
  g.count = count;
  g.hit = -1;
  Guard* const outer = tls_guard;  // guarded_read() may nest (a kernel that evaluates a kernel)
  if (sigsetjmp(g.env, 0) != 0) {
    // Back from the handler: SIGBUS is still blocked on this thread (the kernel blocks it while
    // its handler runs, and the jump did not restore the mask). Unblock it, or the next fault
    // on this thread would end the process whatever the handler.
    tls_guard = outer;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGBUS);
    pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
    return g.hit;
  }
  tls_guard = &g;
  fn(arg);
  tls_guard = outer;
  return -1;
}

}  // namespace tessera
