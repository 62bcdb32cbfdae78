// Every public header of smtpfixture. Tests that only need the fixture and
// its matchers can include smtpfixture/gtest.h alone; this umbrella needs
// GoogleTest and GoogleMock too, like gtest.h.
#ifndef SMTPFIXTURE_SMTPFIXTURE_H_
#define SMTPFIXTURE_SMTPFIXTURE_H_

#include "smtpfixture/certs.h"
#include "smtpfixture/error.h"
#include "smtpfixture/faults.h"
#include "smtpfixture/gtest.h"
#include "smtpfixture/matchers.h"
#include "smtpfixture/message.h"
#include "smtpfixture/printers.h"
#include "smtpfixture/server.h"
#include "smtpfixture/tls.h"

#endif  // SMTPFIXTURE_SMTPFIXTURE_H_
