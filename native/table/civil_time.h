// Calendar fields of a timestamp (ns since 1970-01-01 UTC, proleptic Gregorian calendar), as
// pandas' .dt accessors give them: the days-to-date step is Howard Hinnant's civil_from_days
// algorithm (public domain, http://howardhinnant.github.io/date_algorithms.html).
#pragma once
#include <cstdint>

namespace tessera::table {

struct CivilTime {
  int64_t year;
  int month, day, hour, minute, second;
  int weekday;  // Monday 0 .. Sunday 6 (pandas' dayofweek)
  int yearday;  // 1 .. 366
};

inline int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Days since 1970-01-01 of a date.
inline int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

inline CivilTime civil_time(int64_t ns) {
  constexpr int64_t kDay = 86400LL * 1000000000LL;
  const int64_t days = floor_div(ns, kDay);
  const int64_t secs = (ns - days * kDay) / 1000000000LL;
  const int64_t z = days + 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilTime c{};
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = static_cast<int>(floor_div(days + 3, 7) * -7 + days + 3);  // 1970-01-01 was a Thursday (3)
  c.yearday = static_cast<int>(days - days_from_civil(c.year, 1, 1) + 1);
  return c;
}

}  // namespace tessera::table
