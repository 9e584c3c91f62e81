#include "na_values.h"

namespace tessera::csv {

const std::vector<std::string>& default_na_values() {
  static const std::vector<std::string> v = {"",     "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                                             "<NA>", "N/A",  "NA",       "NULL", "NaN",    "None",     "n/a",  "nan",  "null"};
  return v;
}

}  // namespace tessera::csv
