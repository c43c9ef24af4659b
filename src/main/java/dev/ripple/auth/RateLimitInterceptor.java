package dev.ripple.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/** Applies the rate limit to {@link RateLimited} calls; runs after the role check, so refused calls cost nothing. */
@RateLimited
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
class RateLimitInterceptor {
    private final RateLimiter limiter;
    private final SecurityIdentity identity;

    RateLimitInterceptor(RateLimiter limiter, SecurityIdentity identity) {
        this.limiter = limiter;
        this.identity = identity;
    }

    @AroundInvoke
    Object limit(InvocationContext context) throws Exception {
        limiter.acquire(CurrentPrincipal.of(identity).name());
        return context.proceed();
    }
}
