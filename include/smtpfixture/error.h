// The one exception type: thrown by setup calls (Server::Start(), certificate
// generation, bad options) with a message naming the cause.
#ifndef SMTPFIXTURE_ERROR_H_
#define SMTPFIXTURE_ERROR_H_

#include <stdexcept>

namespace smtpfixture {

class Error : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_ERROR_H_
