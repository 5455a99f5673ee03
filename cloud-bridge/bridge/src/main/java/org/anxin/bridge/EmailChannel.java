package org.anxin.bridge;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.Channel;
import org.anxin.bridge.core.Redaction;

/** E-mail through an SMTP server (Jakarta Mail). */
final class EmailChannel implements Channel {

    private final Session session;
    private final InternetAddress from;

    EmailChannel(BridgeOptions.Smtp smtp) {
        Properties p = new Properties();
        p.put("mail.smtp.host", smtp.host());
        p.put("mail.smtp.port", Integer.toString(smtp.port()));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        p.put("mail.smtp.starttls.enable", Boolean.toString(smtp.startTls()));
        p.put("mail.smtp.starttls.required", Boolean.toString(smtp.startTls()));
        Authenticator auth = null;
        if (smtp.username().isPresent()) {
            p.put("mail.smtp.auth", "true");
            String user = smtp.username().get();
            String password = smtp.password().orElse("");
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, password);
                }
            };
        }
        this.session = Session.getInstance(p, auth);
        try {
            this.from = new InternetAddress(smtp.from(), true);
        } catch (MessagingException e) {
            throw new IllegalArgumentException("smtpFrom '" + smtp.from() + "' is not an e-mail address", e);
        }
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void send(String address, String subject, String body) throws DeliveryFailure {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(address, true));
            message.setSubject(subject, StandardCharsets.UTF_8.name());
            message.setText(body, StandardCharsets.UTF_8.name());
            message.setSentDate(new Date());
            Transport.send(message);
        } catch (SendFailedException e) {
            // the server refused the address: sending again would be refused again
            boolean invalid = e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0;
            throw new DeliveryFailure("SMTP refused: " + e.getMessage(), !invalid);
        } catch (MessagingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DeliveryFailure("SMTP: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), true);
        }
    }

    @Override
    public String shown(String address) {
        return Redaction.email(address);
    }
}
